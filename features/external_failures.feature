@external
Feature: Looking up items in the supplier's catalog
  As a member of the marketplace
  I want to look up an item in the supplier's catalog
  So that I see what the supplier says about it, and get a clear answer when the catalog cannot tell me

  Background:
    Given Alice is a member

  Rule: What the catalog says about an item is passed on unchanged

    @smoke
    Scenario: The catalog knows the item
      Given the catalog describes item "SKU-1042" as:
        | title    | Brass desk lamp |
        | colour   | green           |
        | supplier | Lumen and Co    |
      When Alice looks up item "SKU-1042" in the catalog
      Then Alice sees what the catalog says about item "SKU-1042"
      And the catalog was asked once

    Scenario: The catalog does not know the item
      Given the catalog does not know item "SKU-0000"
      When Alice looks up item "SKU-0000" in the catalog
      Then Alice is told the catalog has no such item

  Rule: Each way the catalog can fail gets its own clear answer

    Scenario Outline: The catalog <failure>
      Given the catalog <failure>
      When Alice looks up item "SKU-1042" in the catalog
      Then Alice is told the catalog is failing
      And the catalog was asked once

      Examples:
        | failure                      |
        | fails with an internal error |
        | fails behind its own gateway |
        | says it is unavailable       |

    Scenario: The catalog takes too long to answer
      Given the catalog does not answer in time
      When Alice looks up item "SKU-1042" in the catalog
      Then Alice is told the catalog took too long
      And the catalog was asked once

    Scenario: The catalog cannot be reached at all
      Given the catalog cannot be reached
      When Alice looks up item "SKU-1042" in the catalog
      Then Alice is told the catalog is unavailable and to retry in 5 seconds
      And the catalog was asked twice

    Scenario Outline: The catalog answers with <answer>
      Given the catalog answers with <answer>
      When Alice looks up item "SKU-1042" in the catalog
      Then Alice is told the catalog's answer was unusable

      Examples:
        | answer                          |
        | a web page instead of data      |
        | a list instead of a single item |
        | a cut-off answer                |
        | an empty answer                 |

  Rule: A connection that fails is tried once more; a catalog that answered is not asked again

    Scenario: The catalog cannot be reached at first, then answers
      Given the catalog describes item "SKU-1042" as:
        | title | Brass desk lamp |
      But the first attempt to reach the catalog fails
      When Alice looks up item "SKU-1042" in the catalog
      Then Alice sees what the catalog says about item "SKU-1042"
      And the catalog was asked twice

  Rule: Only well-formed item codes are passed to the catalog

    Scenario Outline: The item code "<code>" is refused before the catalog is asked
      When Alice looks up item "<code>" in the catalog
      Then the request is refused as invalid
      And the catalog was never asked

      Examples:
        | code     |
        | SKU.1042 |
        | SKU 1042 |
        | SKU:1042 |

  @live
  Rule: The same answers hold when a real catalog server misbehaves on the network

    Scenario: The catalog server describes the item
      Given the catalog server describes item "SKU-1042"
      When Alice looks up item "SKU-1042" in the catalog
      Then Alice sees what the catalog says about item "SKU-1042"

    Scenario Outline: The catalog server <behaviour>
      Given the catalog server <behaviour>
      When Alice looks up item "SKU-1042" in the catalog
      Then Alice is told <answer>
      And Alice has that answer within half a second of the catalog's time limit

      Examples:
        | behaviour                               | answer                                               |
        | answers too slowly                      | the catalog took too long                            |
        | stalls halfway through its answer       | the catalog took too long                            |
        | trickles its answer out byte by byte    | the catalog took too long                            |
        | drops the connection                    | the catalog is unavailable and to retry in 5 seconds |
        | is not running                          | the catalog is unavailable and to retry in 5 seconds |
        | fails with an internal error            | the catalog is failing                               |
        | says it is unavailable                  | the catalog is failing                               |
        | answers with something that is not data | the catalog's answer was unusable                    |
        | does not know the item                  | the catalog has no such item                         |
