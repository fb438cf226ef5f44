"""The demo organisation (seed_demo): every concept's demo data, loaded by name; the top layer."""
