"""Fill Danish catalogues from a translation table (a developer tool, not used at run time).

Usage: python tools/fill_po.py TABLE.py FILE.po [FILE.po ...]
TABLE.py defines DA = {english: danish} and optionally PLURALS = {singular: [one, many]}.
Prints every msgid still untranslated so nothing is left in English by accident.
"""

import runpy
import sys

import polib


def main() -> None:
    table = runpy.run_path(sys.argv[1])
    singular, plurals = table["DA"], table.get("PLURALS", {})
    missing = 0
    for path in sys.argv[2:]:
        catalogue = polib.pofile(path)
        for entry in catalogue:
            if entry.msgid_plural:
                if entry.msgid in plurals:
                    entry.msgstr_plural = dict(enumerate(plurals[entry.msgid]))
            elif entry.msgid in singular:
                entry.msgstr = singular[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            translated = entry.msgstr or (entry.msgstr_plural and all(entry.msgstr_plural.values()))
            if not translated:
                missing += 1
                print(f"untranslated in {path}: {entry.msgid!r}")
        catalogue.metadata["Language"] = "da"
        catalogue.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
        catalogue.save(path)
        catalogue.save_as_mofile(path[:-3] + ".mo")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
