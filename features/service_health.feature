@health
Feature: The service's health, and what callers see when its database fails
  As the operator of the marketplace
  I want anyone to be able to ask whether the service is up, and every caller told plainly when
  its database fails
  So that monitors can send traffic elsewhere, and nobody finds half a change saved

  Rule: Anyone may check that the service is up, without signing in

    @smoke
    Scenario: The service is up
      When a monitor checks that the service is up
      Then the monitor is told the service is up

  Rule: The check says so when the database does not answer

    Scenario: The database does not answer
      Given the database does not answer
      When a monitor checks that the service is up
      Then the monitor is told the database is unavailable

  Rule: A change the database fails to save is not kept, and the caller is asked to retry

    Scenario: Alice's offer is lost with the database, and she is told to retry
      Given Alice is a member
      And the database will fail while saving the next change
      When Alice offers a "Desk lamp" for 24.99
      Then Alice is told the service is unavailable and to retry in 5 seconds
      And Alice has no items
