"""The fake's canned prose in German, for prompts that ask for German (`--language de`).

The same drafts as `prose.py` says in English, written the way a careful model writes them:
advice, no invented teams, figures or stories, one example labelled as hypothetical, and no
sentence left in English, so the language rules pass them and every other blocking rule too.
"""

from __future__ import annotations

from typing import Any

from .prose import BlogText, mid_sentence, writers

CALL_TO_ACTION = (
    "Wählen Sie eine Aufgabe, die Ihr Team jeden Tag wiederholt, messen Sie sie diese Woche "
    "und erzählen Sie, was Sie herausfinden."
)
ANGLE = "Klein anfangen und messen: Eine tägliche Aufgabe nach der anderen verbessern."
KEY_POINTS = [
    "Wählen Sie eine Aufgabe, die das Team jeden Tag wiederholt.",
    "Schreiben Sie auf, wie ein gutes Ergebnis aussieht, bevor Sie etwas ändern.",
    "Prüfen Sie die Ergebnisse jede Woche und behalten Sie nur, was geholfen hat.",
]
SOURCE_SAYS = "Eine Quelle sagt es deutlich:"


def linkedin(topic: str, address: str | None, revised: bool) -> dict[str, Any]:
    opener = (
        "Die meisten Teams fangen damit verkehrt herum an."
        if not revised
        else "Der erste Schritt ist kleiner, als die meisten Teams denken."
    )
    post = "\n\n".join(
        [
            opener,
            f"Diese Woche hat mich eine Frage nicht losgelassen: {mid_sentence(topic)}?",
            "Hier ist ein Plan, der zu einem kleinen Team und vier Wochen passt.",
            "1. Beginnen Sie mit einem kleinen, langweiligen Ablauf. Wählen Sie etwas, das Ihr "
            "Team jeden Tag wiederholt, damit Sie schnell Rückmeldung bekommen.",
            "2. Schreiben Sie auf, wie ein gutes Ergebnis aussieht, bevor Sie etwas ändern. Zwei "
            "oder drei Zahlen genügen.",
            "3. Sehen Sie sich die Ergebnisse jeden Freitag eine Viertelstunde lang an. Behalten "
            "Sie, was geholfen hat, und lassen Sie den Rest weg.",
            "Ein hypothetisches Beispiel: Wenn Ihr Team zwanzig Änderungen pro Woche prüft, "
            "liefert schon die Zeitmessung bei dreien am Montag einen Ausgangswert für den "
            "Vergleich am Freitag.",
            "Werkzeuge sind weniger wichtig, als man erwartet. Die Gewohnheit, die Zahlen "
            "anzuschauen, erledigt den größten Teil der Arbeit.",
            "Mit welchem Ablauf würden Sie das zuerst ausprobieren?",
        ]
    )
    return {"post": post, "hashtags": ["KleineTeams", "Produktivität", "Führung"]}


def newsletter(topic: str, address: str | None, revised: bool) -> dict[str, Any]:
    body = "\n\n".join(
        [
            "Hallo,",
            "in dieser Ausgabe geht es um eine Frage, die eine ruhige Antwort verdient: "
            f"{mid_sentence(topic)}?",
            "Die kurze Antwort: Fangen Sie kleiner an, als es sich nützlich anfühlt, und messen "
            "Sie, bevor Sie etwas ändern.",
            "## Was zu tun ist",
            "- Wählen Sie einen Ablauf, der jeden Tag vorkommt, kein großes Vorhaben.\n"
            "- Schreiben Sie zwei Zahlen auf, bevor Sie etwas ändern.\n"
            "- Treffen Sie sich jeden Freitag eine Viertelstunde, um zu entscheiden, was bleibt.",
            "## Was Sie weglassen können",
            "Zuerst Werkzeuge zu kaufen. Ein Team, das mit einem Kauf beginnt, verbringt seinen "
            "ersten Monat oft mit der Einrichtung statt mit dem Lernen.",
            "Der wöchentliche Termin ist wichtiger als der Plan."
            + (
                " Ein hypothetisches Beispiel: Eine Prüfung, die heute vierzig Minuten dauert, "
                "wird vier Wochen lang jeden Freitag neu gemessen."
                if revised
                else ""
            ),
            "## Ein kleiner Versuch für diese Woche",
            "Wählen Sie eine Aufgabe, die Ihr Team täglich wiederholt, und messen Sie am Montag, "
            "wie lange sie dauert. Ändern Sie am Dienstag eine einzige Sache. Messen Sie am "
            "Freitag erneut und erzählen Sie Ihrem Team, was Sie gesehen haben.",
        ]
    )
    footer = (
        "Sie erhalten diese E-Mail, weil Sie sich angemeldet haben. Sie können sich jederzeit "
        "abmelden."
    )
    if address:
        footer += f"\n{address}"
    return {
        "subject": "Ein Plan für vier Wochen, ab Montag",
        "preheader": "Ein täglicher Ablauf, zwei Zahlen und ein kurzer Termin am Freitag",
        "body": body,
        "call_to_action": "Antworten Sie auf diese E-Mail mit dem Ablauf, den Sie testen.",
        "footer": footer,
    }


_BLOG_SECTIONS = {
    "Warum das jetzt wichtig ist": [
        "Kleine Teams spüren jede Stunde, die sie verlieren.",
        "Eine Änderung, die zehn Minuten am Tag spart, schenkt im Jahr eine ganze Woche.",
        "Große Firmen können einen holprigen Anfang verkraften, ein Team aus fünf Leuten nicht.",
        "Deshalb muss der erste Versuch klein und billig sein.",
        "Er sollte sich auch leicht zurücknehmen lassen, wenn die Ergebnisse schlecht sind.",
        "Viele scheitern, weil sie zu viel auf einmal ändern.",
        "Ein enges Ziel, ehrlich gemessen, lehrt mehr als ein großer Umbau.",
        "Betrachten Sie den ersten Monat als Lernzeit und nicht als Einführung.",
        "Diese Sicht nimmt allen Beteiligten den Druck.",
        "Menschen probieren eher Neues aus, wenn ein Fehlschlag wenig kostet.",
        "Außerdem lassen sich die Ergebnisse dem Rest der Firma leichter erklären.",
        "Ein schlechter erster Eindruck macht auch bei der nächsten Idee misstrauisch.",
    ],
    "Wo Sie anfangen": [
        "Schreiben Sie zuerst die Aufgaben auf, die Ihr Team jeden Tag wiederholt.",
        "Wählen Sie die eine, die am meisten stört und am häufigsten vorkommt.",
        "Notieren Sie, wie lange sie heute dauert und wie oft sie schiefgeht.",
        "Diese beiden Zahlen sind Ihr Ausgangswert.",
        "Ohne sie wissen Sie nicht, ob sich etwas verbessert hat.",
        "Legen Sie dann fest, wie ein Erfolg nach vier Wochen aussehen würde.",
        "Halten Sie das Ziel bescheiden, etwa ein Fünftel weniger Zeit.",
        "Stellen Sie den Plan dem ganzen Team vor, bevor Sie beginnen.",
        "Fragen Sie, wer es zuerst ausprobieren möchte, und lassen Sie Freiwillige vorangehen.",
        "Freiwillige geben bessere Rückmeldungen als Leute, die man dazu verpflichtet hat.",
        "Schreiben Sie den Plan auf eine einzige Seite, die jeder in zwei Minuten lesen kann.",
        "Setzen Sie zum Schluss einen Termin für die erste Auswertung in den Kalender.",
    ],
    "Ein Plan für vier Wochen": [
        "In der ersten Woche wenden Sie das neue Vorgehen auf eine Handvoll echter Aufgaben an.",
        "Halten Sie fest, was schneller ging und was sich umständlich anfühlte.",
        "Beheben Sie noch nichts, schreiben Sie die Probleme nur auf.",
        "In der zweiten Woche beheben Sie die zwei häufigsten Probleme aus Ihren Notizen.",
        "Danach erledigen Sie dieselben Aufgaben noch einmal und vergleichen die Zahlen.",
        "In der dritten Woche weiten Sie den Versuch auf das ganze Team aus.",
        "Neue Leute finden Probleme, die den Freiwilligen nicht mehr auffallen.",
        "Sammeln Sie deren Notizen am selben Ort wie zuvor.",
        "In der vierten Woche halten Sie eine kurze Auswertung und entscheiden, was bleibt.",
        "Seien Sie bereit aufzuhören, wenn sich die Zahlen nicht bewegt haben.",
        "Ein klares Nein ist ein nützliches Ergebnis, weil es Zeit für die nächste Idee schafft.",
        "Begrenzen Sie jede wöchentliche Auswertung auf eine Viertelstunde.",
    ],
    "Was Sie messen": [
        "Messen Sie die Zeit, die eine Aufgabe vom Anfang bis zum Ende braucht.",
        "Messen Sie, wie oft eine Aufgabe wiederholt werden muss.",
        "Stellen Sie dem Team jeden Freitag eine einfache Frage: Hat das diese Woche geholfen?",
        "Eine Zahl von eins bis fünf reicht als Antwort völlig aus.",
        "Tragen Sie die Zahlen auf einer Seite ein, damit alle den Verlauf sehen.",
        "Achten Sie auf stetige Verbesserung und nicht auf einen einzelnen guten Tag.",
        "Wenn eine Person alle Gewinne erzielt, finden Sie heraus, was sie anders macht.",
        "Zahlen erzählen nicht die ganze Geschichte, also behalten Sie auch die Notizen.",
        "Die Notizen erklären, warum sich eine Zahl bewegt hat.",
        "Messen Sie nicht alles auf einmal.",
        "Drei Zahlen, denen alle vertrauen, sind besser als zehn, die niemand liest.",
        "Prüfen Sie, dass sich die Zahlen leicht von Hand erheben lassen.",
    ],
    "Häufige Fehler": [
        "Der erste Fehler ist, Werkzeuge zu kaufen, bevor Sie das Problem verstehen.",
        "Früh gekaufte Werkzeuge formen den Ablauf nach ihren eigenen Regeln.",
        "Der zweite Fehler ist, die erste Messung auszulassen.",
        "Ohne sie wird jede Diskussion zur Meinungsfrage.",
        "Der dritte Fehler ist, den Versuch mitten in einer stressigen Phase zu starten.",
        "Unter Termindruck fallen Menschen in alte Gewohnheiten zurück.",
        "Der vierte Fehler ist, schlechte Ergebnisse zu verstecken.",
        "Ein offen geteilter Fehlschlag schafft mehr Vertrauen als ein stiller Erfolg.",
        "Der letzte Fehler ist, nie zu entscheiden.",
        "Versuche, die ohne Urteil weiterlaufen, ermüden alle Beteiligten.",
        "Legen Sie das Enddatum am Anfang fest und halten Sie sich daran.",
        "Stellen Sie der begeisterten Person von Anfang an eine skeptische zur Seite.",
    ],
    "Das ganze Team mitnehmen": [
        "Menschen unterstützen, was sie selbst mitgestaltet haben.",
        "Laden Sie das ganze Team zur ersten und zur letzten Auswertung ein.",
        "Zeigen Sie die Ausgangswerte, bevor Sie Ergebnisse zeigen.",
        "Erklären Sie, was Sie versucht, gemessen und gesehen haben.",
        "Seien Sie ehrlich über die Teile, die nicht funktioniert haben.",
        "Fragen Sie jede Person, welchen Teil sie behalten und welchen sie streichen würde.",
        "Schreiben Sie die Antworten dort auf, wo alle sie sehen können.",
        "Vereinbaren Sie dann gemeinsam den nächsten kleinen Versuch.",
        "Dieser Rhythmus zählt mehr als jedes einzelne Ergebnis.",
        "Teams, die ihre Arbeit jede Woche prüfen, werden noch lange nach dem Versuch besser.",
        "Schützen Sie den wöchentlichen Termin, auch wenn der Kalender voll ist.",
        "Über ein Jahr ergeben diese kleinen Runden eine andere Art zu arbeiten.",
    ],
}


BLOG = BlogText(
    guide="ein praktischer Leitfaden",
    meta="Ein praktischer Plan für vier Wochen: {topic}. Was Sie messen, was Sie vermeiden und "
    "wie Sie entscheiden.",
    meta_filler=" Einfache Schritte.",
    intro=(
        "Dieser Leitfaden behandelt eine praktische Frage: {topic}.",
        "Er richtet sich an kleine Teams mit wenig Zeit und ohne zusätzliches Budget. "
        "Jeder Abschnitt endet mit etwas, das Sie diese Woche tun können.",
    ),
    sections=_BLOG_SECTIONS,
    closing=(
        "Ihr nächster Schritt",
        "Wählen Sie heute eine tägliche Aufgabe und schreiben Sie auf, wie lange sie dauert. "
        "Diese eine Zahl ist der Anfang Ihres ersten Versuchs.",
    ),
    example="Ein hypothetisches Beispiel: Ein Team aus fünf Leuten, dessen tägliche Prüfung "
    "vierzig Minuten dauert, könnte nach vier Wochen dreißig anstreben.",
    tags=("kleine-teams", "prozess", "messen"),
)


WRITERS = writers(linkedin, newsletter, BLOG)
