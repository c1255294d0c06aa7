{
    "name": "Retention & Loyalty: example extension (tests only)",
    "version": "18.0.1.0.0",
    "summary": "How another addon adds a cadence trigger and a step kind, and sees "
    "every activity the engine creates",
    "author": "Retention Loyalty developers",
    "license": "LGPL-3",
    "depends": ["retention_loyalty"],
    "installable": True,
}
