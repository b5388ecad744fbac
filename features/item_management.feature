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

    Scenario: Without saying how many, a page shows 20 items
      Given Bob already offers 20 other items
      When Bob browses the items
      Then the page shows 20 of 25 items

    Scenario: A page shows at most 100 items
      Given Bob already offers 96 other items
      When Bob browses the items 100 at a time, skipping the first 0
      Then the page shows 100 of 101 items

    Scenario: Asking for more than 100 items at a time is refused
      When Bob browses the items 101 at a time, skipping the first 0
      Then the request is refused as invalid

    Scenario: Looking for a name ignores upper and lower case in every alphabet
      Given Alice already offers a "Crème brûlée dish" for 18.00
      When Bob looks for items whose name contains "CRÈME BRÛLÉE"
      Then the page shows 1 of 1 items

  Rule: Any signed-in member can read any item

    Scenario: Bob reads one of Alice's items
      Given Alice already offers a "Desk lamp" for 24.99
      When Bob looks at the "Desk lamp"
      Then Bob sees the "Desk lamp" offered by Alice for 24.99

    Scenario: An item that does not exist cannot be read
      When Bob looks at an item that does not exist
      Then Bob is told the item does not exist

  Rule: Only the owner or an admin may change an item

    Background:
      Given Alice already offers a "Desk lamp" for 24.99

    Scenario: Alice lowers the price of her item
      When Alice changes the price of the "Desk lamp" to 19.99
      Then the change is saved
      And the "Desk lamp" is priced at 19.99

    Scenario: Alice renames her item
      When Alice renames the "Desk lamp" to "Brass desk lamp"
      Then the change is saved
      And Alice's items are:
        | name            | price |
        | Brass desk lamp | 24.99 |

    Scenario: Renaming an item after another of her items is refused
      Given Alice already offers a "Floor lamp" for 89.00
      When Alice renames the "Desk lamp" to "Floor lamp"
      Then Alice is told she already has an item with that name
      And Alice's items are:
        | name       | price |
        | Desk lamp  | 24.99 |
        | Floor lamp | 89.00 |

    Scenario: A new price must follow the same rules as the first one
      When Alice changes the price of the "Desk lamp" to 0.00
      Then the item is refused because of its price
      And the "Desk lamp" is priced at 24.99

    Scenario: Bob may not change Alice's item
      When Bob changes the price of the "Desk lamp" to 1.00
      Then Bob is told he is not allowed
      And the "Desk lamp" is priced at 24.99

    Scenario: Olivia, an admin, may change anyone's item, which stays its owner's
      Given Olivia is an admin
      When Olivia changes the price of the "Desk lamp" to 19.99
      Then the change is saved
      And the "Desk lamp" is priced at 19.99
      And the "Desk lamp" still belongs to Alice

    Scenario: Olivia cannot rename Alice's item after another of Alice's items
      Given Olivia is an admin
      And Alice already offers a "Floor lamp" for 89.00
      When Olivia renames the "Desk lamp" to "Floor lamp"
      Then Olivia is told Alice already has an item with that name
      And Alice's items are:
        | name       | price |
        | Desk lamp  | 24.99 |
        | Floor lamp | 89.00 |

    Scenario: Olivia may rename Alice's item after one of her own items
      Given Olivia is an admin
      And Olivia already offers a "Brass lamp" for 40.00
      When Olivia renames the "Desk lamp" to "Brass lamp"
      Then the change is saved
      And Alice's items are:
        | name       | price |
        | Brass lamp | 24.99 |

  Rule: A change may alter an item's name, price and description, and nothing else

    Background:
      Given Alice already offers a "Desk lamp" for 24.99

    Scenario: An item cannot be handed over to another member
      When Alice hands the "Desk lamp" over to Bob
      Then the request is refused as invalid
      And the "Desk lamp" still belongs to Alice

    Scenario Outline: The <detail> of an item cannot be cleared
      When Alice clears the <detail> of the "Desk lamp"
      Then the item is refused because of its <detail>
      And Alice's items are:
        | name      | price |
        | Desk lamp | 24.99 |

      Examples:
        | detail |
        | name   |
        | price  |

    Scenario: The description of an item can be cleared
      When Alice clears the description of the "Desk lamp"
      Then the change is saved
      And the "Desk lamp" has no description

  Rule: Only the owner or an admin may remove an item

    Background:
      Given Alice already offers a "Desk lamp" for 24.99

    Scenario: Alice removes her item
      When Alice removes the "Desk lamp"
      Then the item is removed
      And Bob can no longer find the "Desk lamp"

    Scenario: Bob may not remove Alice's item
      When Bob removes the "Desk lamp"
      Then Bob is told he is not allowed
      And the "Desk lamp" is priced at 24.99

    Scenario: Olivia, an admin, may remove anyone's item
      Given Olivia is an admin
      When Olivia removes the "Desk lamp"
      Then the item is removed
      And Bob can no longer find the "Desk lamp"

    Scenario: An item that does not exist cannot be removed
      When Alice removes an item that does not exist
      Then Alice is told the item does not exist

  Rule: A deactivated member's items stay on offer until an admin removes them

    Background:
      Given Olivia is an admin
      And Alice already offers a "Desk lamp" for 24.99
      And Olivia has deactivated Alice

    Scenario: Bob still finds the item of a member whose account was deactivated
      When Bob looks at the "Desk lamp"
      Then Bob sees the "Desk lamp" offered by Alice for 24.99

    Scenario: Olivia removes the item of a member whose account was deactivated
      When Olivia removes the "Desk lamp"
      Then the item is removed
      And Bob can no longer find the "Desk lamp"
