"""Pages and positions: how many pages a list has, which page a post is on, and a post's address.

Below both the services and the views, so either may ask without importing the other.
"""

from dataclasses import dataclass

from flask import current_app, url_for


@dataclass(frozen=True)
class Page:
    number: int
    count: int  # pages in all, at least 1

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count

    @property
    def links(self) -> list[int | None]:
        """Page numbers to link to: the ends and the neighbours, None where a gap is."""
        wanted = {1, self.count, *range(self.number - 2, self.number + 3)}
        numbers = sorted(n for n in wanted if 1 <= n <= self.count)
        links: list[int | None] = []
        for n in numbers:
            if links and n - (links[-1] or 0) > 1:
                links.append(None)
            links.append(n)
        return links


def page_count(items: int, per_page: int) -> int:
    return max(1, -(-items // per_page))


def page_of_position(position: int, per_page: int) -> int:
    return (position - 1) // per_page + 1


def post_url(post, anchor: str | None = None) -> str:
    """Where a post is: its thread, on the right page, scrolled to it (or to `anchor`).

    Called while a request (or the public address of `links.public_request`) is being built.
    """
    page = page_of_position(post.position, current_app.config["POSTS_PER_PAGE"])
    return url_for(
        "threads.show", thread_id=post.thread_id, page=page, _anchor=anchor or f"p{post.position}"
    )
