"""Pages of API lists: an envelope `{items, pagination}` whose `links` repeat the query."""

from math import ceil

from flask import request, url_for

from app.services.pagination import Page


def page_links(number: int, pages: int) -> dict[str, str | None]:
    """Absolute URLs of this list at other pages, with the same filters."""
    args = request.args.to_dict(flat=False)

    def at(page: int) -> str:
        return url_for(request.endpoint, **(request.view_args or {}),
                       **{**args, "page": page}, _external=True)

    return {"self": at(number), "first": at(1), "last": at(pages),
            "prev": at(number - 1) if number > 1 else None,
            "next": at(number + 1) if number < pages else None}


def envelope(page: Page) -> dict:
    return {"items": page.items, "pagination": {
        "page": page.number, "per_page": page.size, "total": page.total, "pages": page.pages,
        "links": page_links(page.number, page.pages)}}


def page_of_list(items: list, number: int, size: int) -> Page:
    """A page of a list already in memory (clamped like `paginate`)."""
    pages = max(1, ceil(len(items) / size))
    number = min(max(1, number), pages)
    return Page(items[(number - 1) * size:number * size], number, size, len(items))
