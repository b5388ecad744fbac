@users
Feature: Registering an account
  As a newcomer to the marketplace
  I want to register with a username, an email address and a password
  So that I can sign in and offer items as a member

  Rule: Anyone may register, and every new account is a member

    @smoke
    Scenario: Carol registers and can sign in
      When Carol registers as "carol"
      Then Carol's account is created as a member
      And Carol can sign in as "carol"

    Scenario: An email address is recorded in lower case
      When Carol registers with the email "Carol.Danvers@Example.COM"
      Then Carol's account is created as a member
      And Carol's email address is recorded as "carol.danvers@example.com"

    Scenario: A full name is optional
      When Carol registers without a full name
      Then Carol's account is created as a member
      And Carol's account shows no full name

  Rule: Usernames, email addresses, passwords and full names must be well formed

    Scenario Outline: The username "<username>" is refused because it <problem>
      When Carol registers as "<username>"
      Then the registration is refused because of the username
      And Carol cannot sign in as "<username>"

      Examples:
        | username                          | problem              |
        | ca                                | is too short         |
        | carolinedanversofthenorthwingxyzw | is too long          |
        | Carol                             | has a capital letter |
        | carol danvers                     | has a space          |
        | carol-danvers                     | has a dash           |

    Scenario Outline: The email address "<email>" is refused
      When Carol registers with the email "<email>"
      Then the registration is refused because of the email address

      Examples:
        | email                     |
        | carol                     |
        | carol@                    |
        | @example.com              |
        | carol@@example.com        |
        | carol danvers@example.com |

    Scenario Outline: A password that is <password> is refused
      When Carol registers with a password that is <password>
      Then the registration is refused because of the password
      And Carol cannot sign in as "carol"

      Examples:
        | password            |
        | empty               |
        | 7 characters long   |
        | 129 characters long |

    Scenario Outline: A full name that is <full name> is refused
      When Carol registers with a full name that is <full name>
      Then the registration is refused because of the full name
      And Carol cannot sign in as "carol"

      Examples:
        | full name             |
        | only spaces           |
        | broken over two lines |
        | 101 characters long   |

    Scenario: A full name is recorded without the spaces around it
      When Carol registers with the full name "  Carol Danvers  "
      Then Carol's account is created as a member
      And Carol's full name is recorded as "Carol Danvers"

  Rule: A username or email address belongs to one account only

    Background:
      Given Alice is a member

    Scenario: A username that is taken is refused
      When Carol registers as "alice"
      Then Carol is told that username or email address is already taken
      And Alice can sign in as "alice"

    Scenario: An email address that is taken is refused, and leaves no account behind
      When Carol registers with the email "alice@example.com"
      Then Carol is told that username or email address is already taken
      And Carol cannot sign in as "carol"

    Scenario: An email address that is taken is refused whatever its case
      When Carol registers with the email "ALICE@Example.com"
      Then Carol is told that username or email address is already taken
      And Carol cannot sign in as "carol"

  Rule: Nobody can register more than a plain member account

    Scenario Outline: Mallory cannot register asking <request>
      When Mallory registers asking <request>
      Then the registration is refused because it asks for more than an account
      And Mallory cannot sign in as "mallory"

      Examples:
        | request                      |
        | to be an admin               |
        | to choose her account number |
        | to be marked active          |
