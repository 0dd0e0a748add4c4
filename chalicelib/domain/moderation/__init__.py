"""Moderation (contract section 11): the text classifier and the abuse-wave rule. Pure."""
