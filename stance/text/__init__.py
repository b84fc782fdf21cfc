"""The rule pass: sentences, attribution, what a sentence reports, polarity, grounding and names.

Pure functions over text: no model, no files, no settings (an import-linter
contract keeps it so). Everything above may use it; it uses nothing above.
"""
