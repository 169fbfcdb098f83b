"""The results-visibility setting shared by polls, note votes and the Q&A (against group-think).

"live": phones and the projector see running results; "reveal" (the default for new ones): they see
only that answers come in, until the facilitator reveals the results. Facilitators always see them.
"""
RESULTS_MODES = ("live", "reveal")
