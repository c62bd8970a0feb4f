"""French, German and Spanish grammars, written for this project from common words.

Enough for a language identifier to be sure (function words in plausible order); noun
phrases carry their article and adjectives are the gender-invariant kind, so the
templates stay grammatical without agreement rules.
"""

from __future__ import annotations

from dolma_tools.sample.grammar import GrammarSpec
from dolma_tools.sample.vocabulary import FIRST_NAMES, PLACES, SURNAMES, words

_NAMES = [f"{a} {b}" for a in FIRST_NAMES[::3] for b in SURNAMES[::2]]
_NUMS = [str(n) for n in range(2, 120)]
_YEARS = [str(y) for y in range(1900, 2025)]

FRENCH = GrammarSpec(
    categories={
        "NP": words("""
            la_maison le_jardin l'école la_gare le_marché la_ville le_village la_voiture
            le_vélo la_cuisine le_salon la_boulangerie le_musée la_bibliothèque le_quartier
            la_rivière le_pont la_place le_restaurant le_théâtre la_mairie le_projet
            la_réunion le_rapport la_lettre le_journal la_semaine le_week-end la_famille
            le_voisin la_voisine le_médecin l'enseignant l'équipe le_groupe la_société
            l'entreprise le_bureau la_plage la_montagne le_lac la_forêt le_chemin la_route
            le_festival le_concert la_fête le_repas le_gâteau la_recette le_livre la_photo
            le_tableau la_chanson le_film l'histoire la_question la_réponse le_problème
            l'idée le_budget le_prix le_magasin la_boutique l'hôpital la_pharmacie
            le_parc le_stade le_match l'hiver l'été le_printemps l'automne
            un_ami une_amie un_collègue une_voiture un_appartement une_maison un_livre
            une_lettre un_voyage une_solution un_cadeau une_carte un_rendez-vous
        """),
        "NPp": words("""
            les_enfants les_habitants les_élèves les_touristes les_voisins les_parents
            les_clients les_joueurs les_artistes les_commerçants les_agriculteurs
            les_étudiants les_visiteurs les_employés les_bénévoles les_musiciens
        """),
        "N": words("""
            personnes maisons enfants livres voitures arbres chambres habitants élèves
            euros kilomètres minutes heures jours semaines mois ans places tables
        """),
        "V": words("""
            regarde prépare achète ouvre cherche trouve aime répare visite construit vend
            prend voit écrit lit attend choisit organise présente propose montre demande
            utilise porte garde nettoie partage raconte découvre améliore remplace
            accueille termine commence explique décore loue
        """),
        "Vi": words("""
            arrive part travaille dort reste commence change grandit revient marche
            sourit hésite voyage réfléchit attend rentre
        """),
        "Vp": words("""
            regardent préparent achètent cherchent aiment visitent vendent prennent
            attendent organisent partagent racontent découvrent choisissent construisent
        """),
        "Vn": words("""
            préparons cherchons visitons organisons partageons attendons regardons
            achetons réparons choisissons
        """),
        "Adj": words("""
            calme rapide simple facile difficile agréable tranquille pratique moderne
            célèbre magnifique utile possible riche pauvre jeune large propre sympathique
            énorme rouge jaune triste libre fragile solide aimable confortable
        """),
        "Adv": words("""
            souvent toujours parfois rarement vraiment déjà encore aujourd'hui hier
            demain ensemble lentement rapidement beaucoup bien aussi maintenant ici
            vite tard tôt
        """),
        "PP": words("""
            dans_le_jardin à_la_gare avec_ses_amis pour_la_famille près_de_la_rivière
            au_centre-ville depuis_le_matin sur_la_table sans_problème après_le_dîner
            avant_la_réunion en_ville chez_le_médecin au_bord_du_lac pendant_les_vacances
            à_la_maison dans_le_quartier sous_la_pluie avec_le_voisin pour_le_week-end
            au_marché à_l'école dans_la_cuisine devant_la_mairie
        """),
        "Conn": words("""
            Mais Puis, Ensuite, Pourtant, Alors Cependant, En_effet, Par_exemple,
            Aujourd'hui, Hier, Le_matin, Depuis_longtemps, Heureusement, Le_soir,
        """),
        "Name": _NAMES,
        "Place": PLACES,
        "Num": _NUMS,
        "Year": _YEARS,
    },
    templates={
        "sentence": [
            "NP V NP PP .", "NP Vi Adv PP .", "NP est très Adj .", "NPp Vp NP PP .",
            "Conn NP V NP Adv .", "Name V NP PP .", "il y a Num N PP .",
            "je pense que NP est Adj .", "nous Vn NP PP .", "on V souvent NP PP .",
            "NP de Place V NP .", "est-ce que NP V NP ?", "pourquoi NP Vi PP ?",
            "NP V NP, et NP Vi Adv .", "quand NP Vi, NP V NP PP .",
            "c'est NP qui V NP PP .", "en Year, Name V NP à Place .",
            "NP n'est pas Adj, mais NP est Adj .", "NPp Vp Adv NP et NP .",
            "selon Name, NP coûte Num euros .",
        ],
        "title": ["Name V NP PP", "NP de Place V NP", "NPp Vp NP PP", "NP de Place est Adj PP"],
    },
    topical={},
)

GERMAN = GrammarSpec(
    categories={
        "NP": words("""
            der_Mann die_Frau das_Kind der_Nachbar die_Nachbarin der_Lehrer die_Lehrerin
            der_Arzt die_Ärztin der_Bäcker die_Familie das_Team die_Firma der_Verein
            die_Stadt das_Dorf der_Bürgermeister die_Schule der_Chef die_Kollegin
            der_Student die_Studentin der_Gärtner die_Köchin der_Fahrer die_Gruppe
            der_Kunde die_Kundin der_Besucher die_Gemeinde der_Großvater die_Großmutter
        """),
        "NPa": words("""
            den_Garten die_Tür das_Buch einen_Brief eine_Karte ein_Fahrrad den_Kuchen
            die_Wohnung das_Haus den_Wagen die_Zeitung das_Fenster den_Tisch die_Küche
            das_Essen den_Plan die_Rechnung das_Geschenk den_Schlüssel die_Lampe
            das_Projekt den_Bericht die_Straße das_Auto den_Zug die_Fahrkarte das_Foto
            den_Film die_Musik das_Konzert den_Markt die_Brücke das_Museum einen_Termin
            eine_Lösung ein_Problem
        """),
        "Npl": words("""
            Häuser Kinder Bücher Autos Bäume Zimmer Leute Schüler Tische Gäste Jahre
            Minuten Stunden Tage Wochen Euro Kilometer Plätze Äpfel Fahrräder
        """),
        "V": words("""
            kauft sucht findet sieht liest baut öffnet repariert besucht braucht macht
            bringt zeigt nimmt schreibt verkauft bestellt plant malt putzt kocht
            vermietet beschreibt erklärt holt wäscht trägt schließt
        """),
        "Vi": words("""
            arbeitet wartet schläft kommt bleibt läuft lacht wohnt fährt spielt singt
            tanzt ruft antwortet
        """),
        "Vw": words("""
            kaufen suchen finden sehen lesen bauen öffnen reparieren besuchen brauchen
            machen bringen zeigen nehmen schreiben verkaufen bestellen planen
        """),
        "Adj": words("""
            schön groß klein alt neu ruhig schnell teuer billig wichtig einfach schwierig
            freundlich laut leise warm kalt hell dunkel lang kurz voll leer gut schlecht
            bequem praktisch modern sauber müde
        """),
        "Adv": words("""
            heute oft immer manchmal gern schon noch wirklich auch jetzt morgen gestern
            wieder zusammen leider natürlich selten bald früh spät
        """),
        "PP": words("""
            im_Garten in_der_Stadt mit_dem_Auto nach_der_Arbeit am_Wochenende
            auf_dem_Markt bei_der_Arbeit vor_dem_Haus für_die_Familie seit_gestern
            zum_Bahnhof aus_der_Küche im_Sommer im_Winter am_Abend in_der_Schule
            mit_den_Kindern im_Büro auf_dem_Land an_der_Ecke hinter_dem_Bahnhof
            neben_der_Kirche im_Park
        """),
        "Conn": words("Dann Trotzdem Deshalb Heute Morgen Gestern Danach Jetzt Oft Leider"),
        "Name": _NAMES,
        "Place": PLACES,
        "Num": _NUMS,
        "Year": _YEARS,
    },
    templates={
        "sentence": [
            "NP V NPa PP .", "NP Vi Adv PP .", "NP ist sehr Adj .", "Conn V NP NPa PP .",
            "Name V NPa Adv .", "ich glaube, dass NP Adj ist .", "wir Vw NPa PP .",
            "es gibt Num Npl PP .", "warum Vi NP PP ?", "NP und NP Vw NPa .",
            "NP aus Place V NPa .", "im Jahr Year V NP NPa in Place .",
            "NP ist nicht Adj, aber NPa finden alle Adj .", "kann NP NPa Adv Vw ?",
            "NP sagt, dass NP Adj ist .", "Conn Vi NP Adv PP .",
            "laut Name kostet NPa Num Euro .", "NP V NPa, und NP Vi PP .",
        ],
        "title": ["Name V NPa PP", "NP aus Place V NPa", "NP V NPa PP", "Conn V Name NPa"],
    },
    topical={},
)

SPANISH = GrammarSpec(
    categories={
        "NP": words("""
            la_casa el_jardín el_mercado la_ciudad el_pueblo la_estación el_coche la_escuela
            el_barrio la_plaza el_museo la_biblioteca la_cocina el_restaurante la_tienda
            el_hospital la_farmacia el_parque el_río el_puente la_playa la_montaña el_lago
            el_camino la_carretera el_festival el_concierto la_fiesta la_comida el_pastel
            la_receta el_libro la_foto la_película la_canción la_historia la_pregunta
            la_respuesta el_problema la_idea el_presupuesto el_precio el_proyecto
            la_reunión el_informe la_carta el_periódico la_semana la_familia el_vecino
            la_vecina el_médico la_profesora el_equipo la_empresa la_oficina
            una_carta un_coche un_regalo una_solución un_viaje un_amigo una_amiga
        """),
        "NPl": words("""
            los_niños los_vecinos los_turistas los_estudiantes los_padres los_clientes
            los_jugadores los_artistas los_comerciantes los_agricultores los_visitantes
            los_empleados los_voluntarios los_músicos
        """),
        "Nb": words("""
            personas casas niños libros coches árboles habitaciones estudiantes euros
            kilómetros minutos horas días semanas meses años mesas plazas
        """),
        "V": words("""
            compra busca encuentra prepara abre lee escribe vende visita repara necesita
            usa lleva mira trae organiza presenta cocina limpia pinta explica alquila
            elige construye termina comparte describe recibe
        """),
        "Vi": words("""
            trabaja espera duerme llega sale vuelve descansa camina vive sonríe viaja
            canta baila corre
        """),
        "Vp": words("""
            compran buscan preparan venden visitan necesitan organizan comparten
            esperan miran construyen eligen
        """),
        "Vn": words("""
            compramos buscamos preparamos visitamos organizamos compartimos esperamos
            necesitamos
        """),
        "Adj": words("""
            grande interesante importante fácil difícil útil feliz joven azul verde
            amable popular caliente fuerte enorme increíble alegre triste libre
            agradable elegante sencillo
        """),
        "Adv": words("""
            siempre a_menudo nunca también hoy ayer mañana todavía ya bastante juntos
            ahora aquí despacio rápidamente pronto tarde
        """),
        "PP": words("""
            en_la_ciudad con_sus_amigos para_la_familia cerca_del_río en_el_centro
            desde_la_mañana sobre_la_mesa después_de_la_cena antes_de_la_reunión
            por_la_tarde en_el_parque en_casa durante_las_vacaciones en_el_barrio
            bajo_la_lluvia con_el_vecino para_el_fin_de_semana en_el_mercado
            en_la_escuela junto_a_la_plaza
        """),
        "Conn": words("""
            Pero Luego, Después, Sin_embargo, Además, Por_ejemplo, Hoy, Ayer,
            Por_la_mañana, Por_suerte,
        """),
        "Name": _NAMES,
        "Place": PLACES,
        "Num": _NUMS,
        "Year": _YEARS,
    },
    templates={
        "sentence": [
            "NP V NP PP .", "NP Vi Adv PP .", "NP es muy Adj .", "NPl Vp NP PP .",
            "Conn NP V NP Adv .", "Name V NP PP .", "hay Num Nb PP .",
            "creo que NP es Adj .", "nosotros Vn NP PP .", "¿por_qué NP Vi PP ?",
            "NP y NP Vp NP .", "cuando NP Vi, NP V NP PP .", "NP de Place V NP .",
            "en Year, Name V NP en Place .", "pero NP no V NP PP .",
            "según Name, NP cuesta Num euros .", "NP no es Adj, pero NP es Adj .",
            "¿es verdad que NP V NP ?",
        ],
        "title": ["Name V NP PP", "NP de Place V NP", "NPl Vp NP PP", "NP de Place es Adj PP"],
    },
    topical={},
)

FOREIGN = {"fr": FRENCH, "de": GERMAN, "es": SPANISH}
