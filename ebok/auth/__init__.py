"""Authentication and accounts: users (auth.yaml), sessions, throttle, tokens, registration.

Plain Python: only ebok.web imports Streamlit.
"""
