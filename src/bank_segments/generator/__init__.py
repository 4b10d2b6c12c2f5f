"""Demo-data generator: persons, accounts, money flows and the mess of real exports."""
