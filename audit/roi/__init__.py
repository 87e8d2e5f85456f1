"""The DORA register of information's own facts: reading them from files, checking that they
hold together, and the document they are stored as (`reading`, `consistency`, `sheets`)."""
