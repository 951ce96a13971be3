"""The retrieval scoring against rankings with known answers: a scorer that cannot tell a miss from a hit fails here."""

from sandboxlab import rag


def citation(document, section):
    return {"documentId": document, "section": section}


def test_the_first_relevant_rank_needs_the_document_and_the_section():
    citations = [citation("docs-gateway.md", "Design > Trade-offs x"),  # the section inside a longer path counts
                 citation("docs-orders.md", "Trade-offs"),
                 citation("docs-gateway.md", "Trade-offs")]

    assert rag.first_relevant(citations, "orders.md", "Trade-offs") == 2
    assert rag.first_relevant(citations, "gateway.md", "Trade-offs") == 1
    assert rag.first_relevant(citations, "gateway.md", "Knobs") == 0
    assert rag.first_relevant([], "gateway.md", "Trade-offs") == 0


def test_recall_at_5_and_mrr_at_10_of_known_ranks():
    # Found first, third, sixth (outside recall@5, inside MRR@10), eleventh (outside both), never.
    figures = rag.scores([1, 3, 6, 11, 0])

    assert figures == {"recall_at_5": 0.4, "mrr_at_10": round((1 + 1 / 3 + 1 / 6) / 5, 3)}
    assert rag.scores([]) == {"recall_at_5": 0.0, "mrr_at_10": 0.0}


def test_the_shortfall_is_the_distance_to_the_best_mode():
    by_mode = {"bm25": {"mrr_at_10": 0.87}, "vector": {"mrr_at_10": 0.79}, "hybrid": {"mrr_at_10": 0.90}}

    assert rag.shortfalls(by_mode) == {"bm25": 0.03, "vector": 0.11, "hybrid": 0.0}


def test_the_eval_set_is_rag_services_own():
    rows = rag.questions()

    assert len(rows) >= 20
    assert all(document.endswith(".md") and section for _, document, section in rows)
