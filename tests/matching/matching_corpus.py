"""A small, hand-written corpus of Nantes ESS profiles for the matching tests."""

from matching.geo import france_communes
from matching.types import Profile


def place(commune: str) -> dict:
    c = france_communes().lookup(commune)
    return {"lat": c.lat, "lon": c.lon, "in_metropole": c.in_metropole, "commune": commune}


def small_corpus() -> list[Profile]:
    rows = [
        ("recyclerie", "Recyclerie de l'Estuaire", "Ressourcerie associative : collecte de meubles"
         " et d'objets, tri, remise en état et vente à petits prix.", {"reemploi"}, "Rezé", {}),
        ("insertion", "Mobilier Tremplin", "Chantier d'insertion qui collecte le mobilier de "
         "bureau des administrations et lui donne une seconde vie.", {"reemploi"},
         "Saint-Herblain", {"siae": True}),
        ("repair", "Répar'Café Nantais", "Des bénévoles animent des ateliers de réparation "
         "d'électroménager et de lampes avec les habitants.", {"reemploi",
                                                              "culture-citoyennete"},
         "Nantes", {}),
        ("cargo", "Cargo Roule", "Coopérative de livraison en vélo-cargo : collecte et "
         "livraison de colis et d'objets dans l'agglomération.", {"logistique-urbaine"},
         "Nantes", {}),
        ("traiteur", "Traiteur Solidaire", "Entreprise adaptée de restauration : "
         "plateaux-repas, buffets et cocktails.", {"alimentation"}, "Nantes",
         {"ea_esat": True}),
        ("paris", "Réemploi Bureau France", "Société nationale de reprise de mobilier de "
         "bureau d'occasion.", {"reemploi"}, "Paris", {"kind": "company"}),
        ("ville", "Ville de Rezé", "Collectivité : met à disposition des locaux vacants pour "
         "les associations.", {"culture-citoyennete"}, "Rezé", {"kind": "public_buyer"}),
    ]
    return [Profile(id=i, title=t, text=x, filieres=frozenset(f), **place(c), **extra)
            for i, t, x, f, c, extra in rows]
