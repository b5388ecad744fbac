@items
Feature: Offering items
  As a member of the marketplace
  I want to offer items with a name, a price and an optional description
  So that other members can find them and know exactly what they cost

  Background:
    Given Alice is a member

  Rule: A well-formed item is accepted and belongs to the member who offered it

    @smoke
    Scenario: Alice offers several items at once
      When Alice offers these items:
        | name          | price  | description                     |
        | Desk lamp     | 24.99  | Brass, with a green glass shade |
        | Oak bookshelf | 180.00 | Five shelves, solid oak         |
        | Fountain pen  | 12.50  |                                 |
      Then every item is accepted
      And Alice's items are:
        | name          | price  |
        | Desk lamp     | 24.99  |
        | Oak bookshelf | 180.00 |
        | Fountain pen  | 12.50  |

    Scenario: Olivia, an admin, offers items as any member does
      Given Olivia is an admin
      When Olivia offers a "Standing desk" for 300.00
      Then the item is accepted
      And Olivia's items are:
        | name          | price  |
        | Standing desk | 300.00 |

    Scenario: An item offered on someone else's behalf is refused
      Given Bob is another member
      When Alice offers a "Desk lamp" for 24.99 on Bob's behalf
      Then the request is refused as invalid
      And Bob has no items
      And Alice has no items

    Scenario: A long description is kept word for word
      When Alice offers an "Oak bookshelf" for 180.00, described as:
        """
        Solid oak, five shelves, 180 cm tall.
        Minor scratches on the left side; collection only, bring a friend.
        """
      Then the item is accepted
      And the "Oak bookshelf" is described exactly as offered

  Rule: An item needs a name of at most 100 characters

    Scenario Outline: A name that is <name> is refused
      When Alice offers an item whose name is <name>
      Then the item is refused because of its name
      And Alice has no items

      Examples:
        | name                  |
        | empty                 |
        | only spaces           |
        | broken over two lines |
        | 101 characters long   |

    Scenario: A name of exactly 100 characters is accepted
      When Alice offers an item whose name is 100 characters long
      Then the item is accepted

    Scenario: Spaces around a name are dropped
      When Alice offers a "  Desk lamp  " for 24.99
      Then the item is accepted
      And Alice's items are:
        | name      | price |
        | Desk lamp | 24.99 |

  Rule: A description is optional and at most 1000 characters

    Scenario: An item may be offered without a description
      When Alice offers a "Fountain pen" for 12.50
      Then the item is accepted
      And the "Fountain pen" has no description

    Scenario Outline: A description that is <description> is refused
      When Alice offers an item whose description is <description>
      Then the item is refused because of its description
      And Alice has no items

      Examples:
        | description          |
        | 1001 characters long |
        | 5000 characters long |

    Scenario: A description of exactly 1000 characters is accepted
      When Alice offers an item whose description is 1000 characters long
      Then the item is accepted

  Rule: A price is above zero, at most one million, and counted in whole cents

    A price may be sent as a number or written as text; the rule is the same.

    Scenario Outline: A price that is <problem> is refused
      When Alice offers a "Desk lamp" <price>
      Then the item is refused because of its price
      And Alice has no items

      Examples:
        | price           | problem           |
        | without a price | missing           |
        | for 0.00        | zero              |
        | for -5.00       | negative          |
        | for 1000000.01  | over one million  |
        | for 12.345      | finer than a cent |

    Scenario Outline: A price of <price> is accepted and shown to the cent
      When Alice offers a "Desk lamp" for <price>
      Then the item is accepted
      And the "Desk lamp" is priced at <shown>

      Examples:
        | price      | shown      |
        | 0.01       | 0.01       |
        | 1000000.00 | 1000000.00 |
        | 15         | 15.00      |
        | 12.5       | 12.50      |

  Rule: A price written as text is digits with a decimal point, the way the service shows it

    Scenario Outline: A price written <problem> is refused with an example of how to write it
      When Alice offers a "Desk lamp" priced "<written>"
      Then the item is refused because its price must be written like 12.50
      And Alice has no items

      Examples:
        | written | problem              |
        | 12,50   | with a decimal comma |
        | 1e3     | as an exponent       |
        | 012.50  | with a leading zero  |
        | 12.345  | with three decimals  |

    Scenario: A price written as text the way the service shows it is accepted
      When Alice offers a "Desk lamp" priced "12.50"
      Then the item is accepted
      And the "Desk lamp" is priced at 12.50

  Rule: A member cannot offer two items with the same name, but members may share names

    Scenario: A second item with the same name is refused
      Given Alice already offers a "Desk lamp" for 24.99
      When Alice offers a "Desk lamp" for 30.00
      Then Alice is told she already has an item with that name
      And Alice's items are:
        | name      | price |
        | Desk lamp | 24.99 |

    Scenario: A name that differs only by surrounding spaces is the same name
      Given Alice already offers a "Desk lamp" for 24.99
      When Alice offers a " Desk lamp " for 30.00
      Then Alice is told she already has an item with that name

    Scenario: A name whose accent is typed as a separate mark is the same name
      Given Alice already offers a "Café table" for 80.00
      When Alice offers a "Café table" typed with its accents as separate marks, for 90.00
      Then Alice is told she already has an item with that name
      And Alice's items are:
        | name       | price |
        | Café table | 80.00 |

    Scenario: Names that differ in upper and lower case are different names
      Given Alice already offers a "Desk lamp" for 24.99
      When Alice offers a "DESK LAMP" for 30.00
      Then the item is accepted
      And Alice's items are:
        | name      | price |
        | Desk lamp | 24.99 |
        | DESK LAMP | 30.00 |

    Scenario: Two members may each offer an item with the same name
      Given Bob is another member
      And Bob already offers a "Desk lamp" for 19.00
      When Alice offers a "Desk lamp" for 24.99
      Then the item is accepted
      And there are 2 items named "Desk lamp" on offer
