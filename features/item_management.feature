@items
Feature: Browsing and managing items
  As a member of the marketplace
  I want to browse and read every item, and change or remove my own
  So that the offer stays current while nobody but an item's owner or an admin can alter it

  Background:
    Given Alice is a member
    And Bob is another member

  Rule: Any signed-in member can browse every item, a page at a time, oldest first

    Background:
      Given these items are on offer:
        | owner | name          | price  |
        | Alice | Desk lamp     | 24.99  |
        | Alice | Floor lamp    | 89.00  |
        | Bob   | Lamp shade    | 12.50  |
        | Bob   | Oak bookshelf | 180.00 |
        | Alice | Fountain pen  | 35.00  |

    @smoke
    Scenario: Bob sees every item, oldest first
      When Bob browses the items
      Then the page lists these items, of 5 in total:
        | name          | owner | price  |
        | Desk lamp     | Alice | 24.99  |
        | Floor lamp    | Alice | 89.00  |
        | Lamp shade    | Bob   | 12.50  |
        | Oak bookshelf | Bob   | 180.00 |
        | Fountain pen  | Alice | 35.00  |

    Scenario Outline: Browsing <size> at a time after skipping <skip>
      When Bob browses the items <size> at a time, skipping the first <skip>
      Then the page shows <shown> of 5 items

      Examples:
        | size | skip | shown |
        | 2    | 0    | 2     |
        | 2    | 4    | 1     |
        | 10   | 5    | 0     |

    Scenario: The second page continues where the first one stopped
      When Bob browses the items 2 at a time, skipping the first 2
      Then the page lists these items, of 5 in total:
        | name          | owner | price  |
        | Lamp shade    | Bob   | 12.50  |
        | Oak bookshelf | Bob   | 180.00 |

    Scenario Outline: Looking for "<text>" finds <count> items
      When Bob looks for items whose name contains "<text>"
      Then the page shows <count> of <count> items

      Examples:
        | text  | count |
        | lamp  | 3     |
        | LAMP  | 3     |
        | shelf | 1     |
        | piano | 0     |
        | %     | 0     |

    Scenario: Asking for more than 100 items at a time is refused
      When Bob browses the items 101 at a time, skipping the first 0
      Then the request is refused as invalid (422)

  Rule: Any signed-in member can read any item

    Scenario: Bob reads one of Alice's items
      Given Alice already offers a "Desk lamp" for 24.99
      When Bob looks at the "Desk lamp"
      Then Bob sees the "Desk lamp" offered by Alice for 24.99

    Scenario: An item that does not exist cannot be read
      When Bob looks at an item that does not exist
      Then Bob is told the item does not exist (404)

  Rule: Only the owner or an admin may change an item

    Background:
      Given Alice already offers a "Desk lamp" for 24.99

    Scenario: Alice lowers the price of her item
      When Alice changes the price of the "Desk lamp" to 19.99
      Then the change is saved (200)
      And the "Desk lamp" is priced at 19.99

    Scenario: Alice renames her item
      When Alice renames the "Desk lamp" to "Brass desk lamp"
      Then the change is saved (200)
      And Alice's items are:
        | name            | price |
        | Brass desk lamp | 24.99 |

    Scenario: Renaming an item after another of her items is refused
      Given Alice already offers a "Floor lamp" for 89.00
      When Alice renames the "Desk lamp" to "Floor lamp"
      Then Alice is told she already has an item with that name (409)
      And Alice's items are:
        | name       | price |
        | Desk lamp  | 24.99 |
        | Floor lamp | 89.00 |

    Scenario: A new price must follow the same rules as the first one
      When Alice changes the price of the "Desk lamp" to 0.00
      Then the item is refused because of its price (422)
      And the "Desk lamp" is priced at 24.99

    Scenario: Bob may not change Alice's item
      When Bob changes the price of the "Desk lamp" to 1.00
      Then Bob is told he is not allowed (403)
      And the "Desk lamp" is priced at 24.99

    Scenario: Olivia, an admin, may change anyone's item, which stays its owner's
      Given Olivia is an admin
      When Olivia changes the price of the "Desk lamp" to 19.99
      Then the change is saved (200)
      And the "Desk lamp" is priced at 19.99
      And the "Desk lamp" still belongs to Alice

  Rule: Only the owner or an admin may remove an item

    Background:
      Given Alice already offers a "Desk lamp" for 24.99

    Scenario: Alice removes her item
      When Alice removes the "Desk lamp"
      Then the item is removed (204)
      And Bob can no longer find the "Desk lamp"

    Scenario: Bob may not remove Alice's item
      When Bob removes the "Desk lamp"
      Then Bob is told he is not allowed (403)
      And the "Desk lamp" is priced at 24.99

    Scenario: Olivia, an admin, may remove anyone's item
      Given Olivia is an admin
      When Olivia removes the "Desk lamp"
      Then the item is removed (204)
      And Bob can no longer find the "Desk lamp"

    Scenario: An item that does not exist cannot be removed
      When Alice removes an item that does not exist
      Then Alice is told the item does not exist (404)
