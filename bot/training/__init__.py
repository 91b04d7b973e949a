"""Training for the chain (issue 17): generated cases with a cited model answer, contrast pairs, a quiz and
training packs, built on the facts-level engine so every case is correct by construction.

themes (what to draw) → casus (the text) → scenarios (model answer, contrast, read-back) → own (a trainer's
casus) → quiz / export → cli
"""
