"""The room's common themes: notes of every group clustered by the words they share."""
