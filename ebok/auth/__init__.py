"""Authentication and accounts: users (auth.yaml), sessions, throttle, tokens, registration.

Only ebok.auth.web and ebok.ui import Streamlit; the rest is plain Python.
"""
