@auth
Feature: Signing in
  As the operator of the marketplace
  I want every call to come from someone who signed in with their own password
  So that members' items and accounts are safe from everyone else

  What each role may do is specified where it is done: offering items, browsing and managing
  them, looking up accounts and administering them. Signing in issues a token that the member's
  later calls carry; how the service checks it is a matter for its developers.

  Rule: Members sign in with their username and password

    Background:
      Given Alice is a member

    @smoke
    Scenario: Alice signs in and is recognised by her token
      When Alice signs in with her password
      Then Alice receives an access token valid for 30 minutes
      And the token lets Alice act as herself

    Scenario: A wrong password is refused
      When Alice signs in with the password "Password123"
      Then the sign-in is refused without saying which part was wrong

    Scenario Outline: An unknown username is refused in the same way: <username>
      When someone signs in as "<username>" with Alice's password
      Then the sign-in is refused without saying which part was wrong

      Examples:
        | username |
        | mallory  |
        | ALICE    |

    Scenario: A deactivated account cannot sign in
      Given Dave is a member whose account was deactivated
      When Dave signs in with his password
      Then the sign-in is refused without saying which part was wrong

  Rule: A sign-in lasts 30 minutes

    Background:
      Given Alice is a member

    Scenario: A sign-in still works in its last minute
      Given Alice signed in 29 minutes ago
      When Alice looks herself up
      Then Alice sees the full record of Alice

    Scenario: After 30 minutes Alice must sign in again
      Given Alice signed in 31 minutes ago
      When Alice looks herself up
      Then Alice is asked to sign in

  Rule: Every call except registering, signing in and the health check needs a sign-in

    Background:
      Given Alice is a member
      And Alice already offers a "Reading lamp" for 15.00
      And the catalog knows item "SKU-1042"

    Scenario Outline: A caller who has not signed in cannot <capability>
      When a caller who has not signed in tries to <capability>
      Then the caller is asked to sign in

      Examples:
        | capability                     |
        | browse the items               |
        | read an item                   |
        | offer an item                  |
        | change someone's item          |
        | remove someone's item          |
        | look themselves up             |
        | look up a member               |
        | list every account             |
        | make a member an admin         |
        | deactivate a member            |
        | look up an item in the catalog |

  Rule: Five failed sign-ins for a username within five minutes block it for a while

    Failures are counted per username, for accounts that exist and usernames that do not alike,
    so being blocked tells nobody whether an account exists. While a username is blocked its
    password is not even checked.

    Background:
      Given Alice is a member

    Scenario: After five failures even the right password must wait
      Given Alice has failed to sign in 5 times
      When Alice signs in with her password
      Then the sign-in is refused, to be tried again in 5 minutes

    Scenario: Once the oldest failure is five minutes old, Alice may try once more
      Given Alice has failed to sign in once
      And a minute has passed
      And Alice has failed to sign in 4 more times
      And 4 more minutes have passed
      When Alice signs in with her password
      Then Alice receives an access token valid for 30 minutes

    Scenario: A failed try after the wait blocks the username again
      Given Alice has failed to sign in once
      And a minute has passed
      And Alice has failed to sign in 4 more times
      And 4 more minutes have passed
      When Alice signs in with the password "Password123"
      Then the sign-in is refused without saying which part was wrong
      And Alice must wait 1 minute before signing in again

    Scenario: Signing in successfully wipes the earlier failures
      Given Alice has failed to sign in 4 times
      And Alice has signed in
      When Alice fails to sign in 4 more times
      Then the sign-in is refused without saying which part was wrong

    Scenario: A username that does not exist is blocked in the same way
      Given someone has failed to sign in as "mallory" 5 times
      When someone signs in as "mallory" with Alice's password
      Then the sign-in is refused, to be tried again in 5 minutes
