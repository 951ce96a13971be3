"""The burst's counts from answers with a known number of admissions and refusals."""

from sandboxlab import gateway


def test_admissions_past_the_limit_are_counted_and_refusals_are_not_admissions():
    # Limit 3: five admitted (404s from the upstream count: the limiter let them through), two refused.
    statuses = [200, 404, 429, 200, 200, 503, 200]

    assert gateway.count(statuses, 3) == {"sent": 7, "admitted": 5, "refused": 2, "limit": 3, "over_limit": 2,
                                          "refused_within_limit": 1}


def test_a_limit_that_held_counts_nothing_over_it():
    assert gateway.count([200] * 3 + [429] * 4, 3)["over_limit"] == 0
    assert gateway.count([503] * 5, 3) == {"sent": 5, "admitted": 0, "refused": 5, "limit": 3, "over_limit": 0,
                                           "refused_within_limit": 3}
