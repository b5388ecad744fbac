@users
Feature: Looking up accounts
  As a member of the marketplace
  I want to look up my own account and other members' profiles
  So that I know who I am dealing with, while private details stay visible only to admins

  An account's full record is its account number, username, full name, email address, role,
  whether it is active and when it joined. Its public profile is the account number, username
  and full name alone.

  Background:
    Given Alice is a member
    And Bob is another member
    And Olivia is an admin

  Rule: Everyone sees their own full record

    @smoke
    Scenario: Alice looks herself up
      When Alice looks herself up
      Then Alice sees the full record of Alice, which is:
        | account number | username | full name | email address | role | active | joined |

    Scenario: Olivia looks herself up and sees she is an admin
      When Olivia looks herself up
      Then Olivia sees the full record of Olivia

  Rule: Members see only the public profile of other members

    Scenario: Alice looks Bob up
      When Alice looks up Bob
      Then Alice sees only the public profile of Bob, which is:
        | account number | username | full name |

  Rule: Admins see the full record of any account

    Scenario: Olivia looks Bob up
      When Olivia looks up Bob
      Then Olivia sees the full record of Bob

  Rule: An account that does not exist is not found, whoever asks

    Scenario Outline: <viewer> looks up an account that does not exist
      When <viewer> looks up an account that does not exist
      Then <viewer> is told there is no such account

      Examples:
        | viewer |
        | Alice  |
        | Olivia |

  Rule: A deactivated account is hidden from members but visible to admins

    Background:
      Given Dave is a member whose account was deactivated

    Scenario: Alice cannot tell Dave's account from one that never existed
      When Alice looks up Dave
      Then Alice is told there is no such account

    Scenario: Olivia sees Dave's full record, marked as deactivated
      When Olivia looks up Dave
      Then Olivia sees the full record of Dave
      And the record shows the account is deactivated
