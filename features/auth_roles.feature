@auth
Feature: Signing in, tokens and what each role may do
  As the operator of the marketplace
  I want every call to prove who makes it, and each role kept to what it is entitled to
  So that members' items and accounts are safe from everyone else

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
      Then the sign-in is refused without saying which part was wrong (401)

    Scenario Outline: An unknown username is refused in the same way: <username>
      When someone signs in as "<username>" with Alice's password
      Then the sign-in is refused without saying which part was wrong (401)

      Examples:
        | username |
        | mallory  |
        | ALICE    |

    Scenario: A deactivated account cannot sign in
      Given Dave is a member whose account was deactivated
      When Dave signs in with his password
      Then the sign-in is refused without saying which part was wrong (401)

  Rule: Every call except registering, signing in and the health check needs a valid token

    Background:
      Given Alice is a member

    Scenario: A call without a token is asked to sign in
      Given Alice holds no token
      When Alice looks herself up
      Then Alice is asked to sign in (401)

    Scenario Outline: A token that is <token> is refused
      Given Alice holds a token that is <token>
      When Alice looks herself up
      Then Alice is asked to sign in (401)

      Examples:
        | token                                             |
        | malformed                                         |
        | expired a minute ago                              |
        | forged with another key                           |
        | unsigned                                          |
        | missing its expiry                                |
        | issued for an account that no longer exists       |
        | signed with an algorithm the service does not use |
        | altered after it was signed                       |
        | missing its subject                               |

    Scenario Outline: A token sent <presentation> is refused
      Given Alice holds a token that is valid
      But Alice sends it <presentation>
      When Alice looks herself up
      Then Alice is asked to sign in (401)

      Examples:
        | presentation                               |
        | without saying it is a bearer token        |
        | under another scheme than bearer           |
        | as a username and password instead         |
        | as a bearer header with the token left out |
        | with extra words after the token           |

    Scenario: A token close to its expiry still works
      Given Alice holds a token that is about to expire
      When Alice looks herself up
      Then Alice sees the full record of Alice

    Scenario: A token stops working once its account is deactivated
      Given Alice holds a token that is valid
      And Alice's account has since been deactivated
      When Alice looks herself up
      Then Alice is asked to sign in (401)

    Scenario: A token stops working once its account is deleted
      Given Alice holds a token that is valid
      And Alice's account has since been deleted
      When Alice looks herself up
      Then Alice is asked to sign in (401)

    Scenario: Rights follow the account, not the token
      Given Alice holds a token that is valid
      And Alice has since been made an admin
      When Alice tries to list every account
      Then the caller is allowed (200)

  Rule: Each role may do exactly what it is entitled to

    Background:
      Given Alice is a member
      And Bob is another member
      And Olivia is an admin
      And Alice already offers a "Reading lamp" for 15.00
      And Bob already offers a "Desk lamp" for 24.99
      And Olivia already offers a "Standing desk" for 300.00
      And the catalog knows item "SKU-1042"

    Scenario Outline: Items: <caller> tries to <capability>
      When <caller> tries to <capability>
      Then the caller is <outcome>

      Examples: An anonymous caller
        | caller              | capability                 | outcome                |
        | an anonymous caller | browse the items           | asked to sign in (401) |
        | an anonymous caller | read an item               | asked to sign in (401) |
        | an anonymous caller | offer an item              | asked to sign in (401) |
        | an anonymous caller | change someone else's item | asked to sign in (401) |
        | an anonymous caller | remove someone else's item | asked to sign in (401) |

      Examples: Alice, a member
        | caller | capability                 | outcome       |
        | Alice  | browse the items           | allowed (200) |
        | Alice  | read an item               | allowed (200) |
        | Alice  | offer an item              | allowed (201) |
        | Alice  | change their own item      | allowed (200) |
        | Alice  | remove their own item      | allowed (204) |
        | Alice  | change someone else's item | refused (403) |
        | Alice  | remove someone else's item | refused (403) |

      Examples: Olivia, an admin
        | caller | capability                 | outcome       |
        | Olivia | browse the items           | allowed (200) |
        | Olivia | read an item               | allowed (200) |
        | Olivia | offer an item              | allowed (201) |
        | Olivia | change their own item      | allowed (200) |
        | Olivia | remove their own item      | allowed (204) |
        | Olivia | change someone else's item | allowed (200) |
        | Olivia | remove someone else's item | allowed (204) |

    Scenario Outline: Accounts and services: <caller> tries to <capability>
      When <caller> tries to <capability>
      Then the caller is <outcome>

      Examples: An anonymous caller
        | caller              | capability                     | outcome                |
        | an anonymous caller | register an account            | allowed (201)          |
        | an anonymous caller | look themselves up             | asked to sign in (401) |
        | an anonymous caller | look up another member         | asked to sign in (401) |
        | an anonymous caller | list every account             | asked to sign in (401) |
        | an anonymous caller | make a member an admin         | asked to sign in (401) |
        | an anonymous caller | deactivate a member            | asked to sign in (401) |
        | an anonymous caller | look up an item in the catalog | asked to sign in (401) |
        | an anonymous caller | check that the service is up   | allowed (200)          |

      Examples: Alice, a member
        | caller | capability                     | outcome       |
        | Alice  | register an account            | allowed (201) |
        | Alice  | look themselves up             | allowed (200) |
        | Alice  | look up another member         | allowed (200) |
        | Alice  | list every account             | refused (403) |
        | Alice  | make a member an admin         | refused (403) |
        | Alice  | deactivate a member            | refused (403) |
        | Alice  | look up an item in the catalog | allowed (200) |
        | Alice  | check that the service is up   | allowed (200) |

      Examples: Olivia, an admin
        | caller | capability                     | outcome       |
        | Olivia | register an account            | allowed (201) |
        | Olivia | look themselves up             | allowed (200) |
        | Olivia | look up another member         | allowed (200) |
        | Olivia | list every account             | allowed (200) |
        | Olivia | make a member an admin         | allowed (200) |
        | Olivia | deactivate a member            | allowed (200) |
        | Olivia | look up an item in the catalog | allowed (200) |
        | Olivia | check that the service is up   | allowed (200) |
