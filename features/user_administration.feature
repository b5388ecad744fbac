@users
Feature: Administering accounts
  As an admin of the marketplace
  I want to see every account and grant or withdraw admin rights and access
  So that the right people can do the right things, and nobody else can

  Background:
    Given Olivia is an admin
    And Alice is a member
    And Bob is another member

  Rule: Admins see every account, a page at a time, oldest first

    Scenario: Olivia lists every account
      When Olivia lists the accounts
      Then the page lists these accounts, of 3 in total:
        | username | role   | active |
        | olivia   | admin  | yes    |
        | alice    | member | yes    |
        | bob      | member | yes    |

    Scenario: Olivia lists the accounts a page at a time
      When Olivia lists the accounts 2 at a time, skipping the first 2
      Then the page lists these accounts, of 3 in total:
        | username | role   | active |
        | bob      | member | yes    |

    Scenario: A deactivated account is still listed for admins
      Given Dave is a member whose account was deactivated
      When Olivia lists the accounts 1 at a time, skipping the first 3
      Then the page lists these accounts, of 4 in total:
        | username | role   | active |
        | dave     | member | no     |

    Scenario: Alice, a member, may not list the accounts
      When Alice lists the accounts
      Then Alice is told she is not allowed

  Rule: Admins grant and withdraw admin rights and access

    Scenario: Olivia makes Bob an admin
      When Olivia makes Bob an admin
      Then the change is saved
      And Bob can list every account

    Scenario: Olivia makes Carol, an admin, a member again
      Given Carol is an admin
      When Olivia makes Carol a member
      Then the change is saved
      And Carol cannot list every account

    Scenario: Olivia deactivates Bob, who can no longer sign in
      When Olivia deactivates Bob
      Then the change is saved
      And Bob cannot sign in as "bob"

    Scenario: Olivia reactivates Dave, who can sign in again
      Given Dave is a member whose account was deactivated
      When Olivia reactivates Dave
      Then the change is saved
      And Dave can sign in as "dave"

    Scenario: An account that does not exist cannot be changed
      When Olivia deactivates an account that does not exist
      Then Olivia is told there is no such account

  Rule: A change of role takes effect at once, on the sign-in a member already has

    Scenario: Bob, made an admin, may list every account without signing in again
      Given Bob has signed in
      When Olivia makes Bob an admin
      Then Bob can now list every account

    Scenario: Carol, made a member again, loses her admin rights without signing in again
      Given Carol is an admin
      And Carol has signed in
      When Olivia makes Carol a member
      Then Carol can no longer list every account

  Rule: Deactivating an account ends the sign-ins it had, for good

    Scenario: Alice, reactivated, must sign in again
      Given Alice has signed in
      And Olivia has deactivated Alice
      And Olivia has since reactivated Alice
      When Alice looks herself up
      Then Alice's earlier sign-in is refused
      And Alice can sign in as "alice"

  Rule: An admin cannot lock themselves out

    Scenario: Olivia cannot make herself a member
      When Olivia makes herself a member
      Then Olivia is told admins cannot demote or deactivate themselves
      And Olivia can list every account

    Scenario: Olivia cannot deactivate herself
      When Olivia deactivates herself
      Then Olivia is told admins cannot demote or deactivate themselves
      And Olivia can sign in as "olivia"

    Scenario Outline: A change that leaves Olivia an active admin is saved: she <change>
      When Olivia <change>
      Then the change is saved
      And Olivia can list every account

      Examples:
        | change                 |
        | makes herself an admin |
        | reactivates herself    |

  Rule: At least one active admin always remains

    Scenario: Two admins who demote each other leave one of them an admin
      Whoever changes the other first wins; the other is no longer an admin by the time their
      own change is decided, so it is refused. This holds when both act at the same moment too.
      Given Carol is an admin
      When Olivia makes Carol a member
      And Carol makes Olivia a member
      Then Olivia can list every account
      And Carol cannot list every account

  Rule: Members cannot administer accounts, not even their own

    Scenario: Alice cannot make herself an admin
      When Alice makes herself an admin
      Then Alice is told she is not allowed
      And Alice cannot list every account

    Scenario: Alice cannot deactivate Bob
      When Alice deactivates Bob
      Then Alice is told she is not allowed
      And Bob can sign in as "bob"
