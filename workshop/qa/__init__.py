"""The room-wide Q&A: participants ask and upvote, the projector shows the top questions."""
