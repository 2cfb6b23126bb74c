from flask import Blueprint, render_template, request
from flask_babel import gettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forum.forms import category_choices
from forum.limits import limited
from forum.page_cache import LISTINGS, for_visitors
from forum.pagination import Page
from forum.search.forms import SearchForm
from forum.services import blocking, browsing, listing, search

bp = Blueprint("search", __name__)


# A search shows posts from anywhere, each as its listing shows it: any change to a listing, and
# any post hidden, edited or written, renews the listings' generation.
@bp.get("/search")
@for_visitors(lambda: [LISTINGS], varies_on=("q", "category", "since", "until", "page"))
def results():
    categories = browsing.categories()
    form = SearchForm(formdata=request.args)
    form.category.choices = [
        SelectChoice("", gettext("All categories")),
        *category_choices(categories),
    ]
    query = search.parse(form.q.data)
    if not form.validate():
        return render_template("search/results.html", form=form, query=query, results=None), 400
    chosen = next((c for c in categories if c.slug == form.category.data), None)
    filters = search.Filters(chosen, form.since.data, form.until.data)
    # Anything that is not a page number means page 1; past the end, the last page.
    page = request.args.get("page", 1, type=int)
    results = search.search(query, filters, page)
    # As on thread pages: posts by members this reader blocked are folded, anonymous ones never.
    folded = blocking.blocked_among(current_user, [result.post for result in results.items])
    return render_template(
        "search/results.html",
        form=form,
        query=query,
        results=results,
        folded=folded,
        page=Page(results.page, results.pages),
        filtered=chosen is not None or form.since.data or form.until.data,
        search_max=search.QUERY_MAX,
        count_max=search.COUNT_MAX,
    )


@bp.get("/search/similar")
@limited("search")
def similar():
    """Threads like the title being typed, for the start-a-thread page (an htmx fragment)."""
    title = request.args.get("title", "")
    return render_template(
        "search/_similar.html",
        threads=listing.plain_rows(search.similar_threads(title)),
        checked=bool(title.strip()),
    )
