"""Widgets that screens compose, each showing one part of a review."""
