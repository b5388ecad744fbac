@users
Feature: Looking up accounts
  As a member of the marketplace
  I want to look up my own account and other members' profiles
  So that I know who I am dealing with, while private details stay visible only to admins

  Background:
    Given Alice is a member
    And Bob is another member
    And Olivia is an admin

  Rule: Everyone sees their own full record

    @smoke
    Scenario: Alice looks herself up
      When Alice looks herself up
      Then Alice sees the full record of Alice

    Scenario: Olivia looks herself up and sees she is an admin
      When Olivia looks herself up
      Then Olivia sees the full record of Olivia

  Rule: Members see only the public profile of other members

    Scenario: Alice looks Bob up
      When Alice looks up Bob
      Then Alice sees only the public profile of Bob

  Rule: Admins see the full record of any account

    Scenario: Olivia looks Bob up
      When Olivia looks up Bob
      Then Olivia sees the full record of Bob

  Rule: An account that does not exist is not found, whoever asks

    Scenario Outline: <viewer> looks up an account that does not exist
      When <viewer> looks up an account that does not exist
      Then <viewer> is told there is no such account (404)

      Examples:
        | viewer |
        | Alice  |
        | Olivia |

  Rule: A deactivated account is hidden from members but visible to admins

    Background:
      Given Dave is a member whose account was deactivated

    Scenario: Alice cannot tell Dave's account from one that never existed
      When Alice looks up Dave
      Then Alice is told there is no such account (404)

    Scenario: Olivia sees Dave's full record, marked as deactivated
      When Olivia looks up Dave
      Then Olivia sees the full record of Dave
      And the record shows the account is deactivated

    Scenario: Dave can no longer look himself up
      When Dave looks himself up
      Then Dave is asked to sign in (401)
