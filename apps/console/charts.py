"""Bar charts drawn with CSS widths: no scripts, no CDN."""


def bars(rows) -> list[dict] | None:
    """[(label, value)] → [{"label", "value", "percent"}] scaled to the largest value."""
    if rows is None:
        return None
    rows = list(rows)
    top = max((value for _, value in rows), default=0) or 1
    return [{"label": label, "value": value, "percent": round(100 * value / top)} for label, value in rows]
