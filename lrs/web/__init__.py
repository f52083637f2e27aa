"""Elimu's server-rendered web layer: the base layout, sign-in by session cookie, CSRF protection,
navigation and dashboard panels that each package adds its pages to, and per-address rate limits.
"""
