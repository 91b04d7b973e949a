"""The knowledge base: passages with stable citation keys, the store that holds them, and the settings.

`kb` imports none of the other packages: ingest writes into it, bot reads from it.
"""
