from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login (no open redirect, no header
    injection)."""
    if not target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None  # CR/LF or other control characters: never put into a Location header
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:  # browsers read « /\\evil.example » as « //evil.example »
        return None
    return target
