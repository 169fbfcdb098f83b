"""The shared core: text cleaning, ids, aware time, the domain error and domain events.

Used by every feature; imports nothing of the app (no Flask, no Socket.IO, no feature).
"""
