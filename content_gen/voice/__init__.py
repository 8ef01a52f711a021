"""The brand voice kit: a folder of plain files (style guide, word rules, samples) that the
writer follows, the rules enforce and the judge scores against; and learning from edits."""
