"""De Deelkaart (issue 16): senders x recipients for one data category and purpose, computed from the same
rules, checks and citation verification as `ask` — so the map and the chat cannot disagree."""
