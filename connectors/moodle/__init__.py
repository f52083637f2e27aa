"""Moodle: a web-services client and the pull that turns its answers into the statements its xAPI plugin pushes."""
