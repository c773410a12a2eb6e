"""« Détail du score »: every component with a French label and a readable value (issue #10)."""

import re

from tests.web.test_matching_flows import login


def test_score_details_read_in_french(client, auth, territory):
    _, tender = territory
    login(auth, "buyer")
    page = client.get(f"/suggestions/besoin/{tender.id}").get_data(as_text=True)
    details = page[page.index("Détail du score"):]
    assert "Pertinence du texte (mots et sens)" in details and "Distance" in details
    cells = re.findall(r'<th scope="row">([^<]*)</th><td>([^<]*)</td>', details)
    assert cells
    for label, value in cells:
        assert "_" not in label and label not in ("dense", "sparse", "proximity", "fused")
        assert not re.fullmatch(r"-?\d+\.\d{3,}", value)  # never 0.2798347945425659
