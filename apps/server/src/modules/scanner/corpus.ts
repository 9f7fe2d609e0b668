export type CorpusKind =
  | 'email'
  | 'phone'
  | 'iban'
  | 'payment_card'
  | 'national_id'
  | 'date_of_birth'
  | 'health'
  | 'religion'
  | 'ethnicity'
  | 'politics'
  | 'union'
  | 'sexual_orientation';
export interface CorpusEntry {
  text: string;
  kinds: CorpusKind[];
  lang: 'en' | 'de' | 'fr' | 'es';
}
/** Hand-labelled snippets: `kinds` lists every kind present in the text (empty for negatives). */
export const corpus: readonly CorpusEntry[] = [
  // ---------------------------------------------------------------------------
  // English — positives
  // ---------------------------------------------------------------------------
  {
    text: 'Customer asked us to send the renewal quote to anna.miller@example.com instead of the shared inbox.',
    kinds: ['email'],
    lang: 'en',
  },
  {
    text: 'New contact: Tom Harding, tom.harding@example.com, +44 20 7946 0958.',
    kinds: ['email', 'phone'],
    lang: 'en',
  },
  { text: 'Please cc j.okafor@example.com on all invoices from now on.', kinds: ['email'], lang: 'en' },
  { text: 'Called back on +1 415 555 2671, she wants a demo next Tuesday.', kinds: ['phone'], lang: 'en' },
  { text: 'Mobile changed, new number is +44 7700 900123.', kinds: ['phone'], lang: 'en' },
  { text: 'Mr Pryce said: call me at 020 7946 0018 after 5pm.', kinds: ['phone'], lang: 'en' },
  {
    text: 'Refund to be paid to GB82 WEST 1234 5698 7654 32 (account holder Ella Brandt).',
    kinds: ['iban'],
    lang: 'en',
  },
  { text: 'Supplier updated bank details: IBAN NL91ABNA0417164300.', kinds: ['iban'], lang: 'en' },
  {
    text: 'Direct debit set up on IBAN GB29 NWBK 6016 1331 9268 19, first collection on 1 March.',
    kinds: ['iban'],
    lang: 'en',
  },
  {
    text: 'Client paid the setup fee with Visa 4111 1111 1111 1111, exp 09/27.',
    kinds: ['payment_card'],
    lang: 'en',
  },
  {
    text: 'Read his Amex card number over the phone: 3782 822463 10005. Remind him not to do that.',
    kinds: ['payment_card'],
    lang: 'en',
  },
  { text: 'Card on file updated to Mastercard 5555555555554444.', kinds: ['payment_card'], lang: 'en' },
  {
    text: 'National Insurance number JG 10 37 54 A confirmed for payroll onboarding.',
    kinds: ['national_id'],
    lang: 'en',
  },
  {
    text: 'Her NI number is AB123456C, needed for the pension transfer form.',
    kinds: ['national_id'],
    lang: 'en',
  },
  {
    text: 'Dutch client, BSN 111222333 provided for the tax form, plus email p.devries@example.com.',
    kinds: ['national_id', 'email'],
    lang: 'en',
  },
  {
    text: 'Italian branch manager, codice fiscale RSSMRA85T10A562S, asked for a copy of the contract.',
    kinds: ['national_id'],
    lang: 'en',
  },
  {
    text: 'Milan office contact sent her codice fiscale BNCGLI90A41H501E for the invoice header.',
    kinds: ['national_id'],
    lang: 'en',
  },
  { text: 'DOB 14/03/1985 per the signed KYC form.', kinds: ['date_of_birth'], lang: 'en' },
  {
    text: 'Date of birth: 3 May 1990, verified against the passport copy.',
    kinds: ['date_of_birth'],
    lang: 'en',
  },
  {
    text: 'He was born on 22 November 1978 and has diabetes, so no late-evening site visits.',
    kinds: ['date_of_birth', 'health'],
    lang: 'en',
  },
  {
    text: 'Off on sick leave until the end of the month after knee surgery.',
    kinds: ['health'],
    lang: 'en',
  },
  {
    text: 'Mentioned she is pregnant and will start maternity leave in June.',
    kinds: ['health'],
    lang: 'en',
  },
  {
    text: 'Contact has a severe nut allergy, so no catering with nuts at the workshop.',
    kinds: ['health'],
    lang: 'en',
  },
  {
    text: 'Told us he was diagnosed with depression last year; prefers email over calls.',
    kinds: ['health'],
    lang: 'en',
  },
  {
    text: 'Wheelchair user with a registered disability, book the ground-floor meeting room.',
    kinds: ['health'],
    lang: 'en',
  },
  {
    text: 'She is a practising Muslim and fasts during Ramadan, so avoid lunch meetings in March.',
    kinds: ['religion'],
    lang: 'en',
  },
  {
    text: 'Asked for a kosher meal at the conference dinner because he is Jewish.',
    kinds: ['religion'],
    lang: 'en',
  },
  {
    text: 'Mr Alvarez attends church on Sunday mornings, schedule calls for Monday.',
    kinds: ['religion'],
    lang: 'en',
  },
  {
    text: 'Customer mentioned she is of Roma descent and felt treated unfairly by the previous agent.',
    kinds: ['ethnicity'],
    lang: 'en',
  },
  {
    text: 'Noted ethnic origin from the diversity questionnaire: Asian descent. Should not be stored here.',
    kinds: ['ethnicity'],
    lang: 'en',
  },
  {
    text: 'He describes himself as Afro-American and asked for a mentor from the same background.',
    kinds: ['ethnicity'],
    lang: 'en',
  },
  {
    text: 'He is a member of the Green party and asked about our sustainability report.',
    kinds: ['politics'],
    lang: 'en',
  },
  {
    text: 'Said she votes for Labour and does not want to discuss the new tax rules.',
    kinds: ['politics'],
    lang: 'en',
  },
  { text: 'Strong political views, avoid small talk about the election.', kinds: ['politics'], lang: 'en' },
  {
    text: 'He is a trade union member and wants the shop steward present at the meeting.',
    kinds: ['union'],
    lang: 'en',
  },
  {
    text: 'Contact is a union member at the plant; pay negotiations go through the works council.',
    kinds: ['union'],
    lang: 'en',
  },
  {
    text: 'Shop steward for the warehouse staff, call only via his mobile +44 7700 900456.',
    kinds: ['union', 'phone'],
    lang: 'en',
  },
  {
    text: 'Her same-sex partner, Maya, will also attend the onboarding.',
    kinds: ['sexual_orientation'],
    lang: 'en',
  },
  {
    text: 'Mentioned he is gay and his husband co-owns the bakery.',
    kinds: ['sexual_orientation'],
    lang: 'en',
  },
  {
    text: 'Client is bisexual per her own remark in the call; irrelevant for the deal, delete.',
    kinds: ['sexual_orientation'],
    lang: 'en',
  },
  {
    text: 'Send the contract to lena.hart@example.com; she is on sick leave until 12 April after surgery.',
    kinds: ['email', 'health'],
    lang: 'en',
  },
  {
    text: 'Date of birth 1979-11-02, NI number NP 45 67 89 B, card Visa 4012 8888 8888 1881.',
    kinds: ['date_of_birth', 'national_id', 'payment_card'],
    lang: 'en',
  },
  {
    text: 'He is Catholic, date of birth 07/08/1962, and asked us not to call on Good Friday.',
    kinds: ['religion', 'date_of_birth'],
    lang: 'en',
  },
  {
    text: 'Shop steward and member of the Labour party; prefers calls at +44 20 7946 0321.',
    kinds: ['union', 'politics', 'phone'],
    lang: 'en',
  },
  {
    text: 'Of Asian descent and a practising Hindu, asked for vegetarian catering.',
    kinds: ['ethnicity', 'religion'],
    lang: 'en',
  },
  {
    text: 'Dutch reseller contact, BSN 123456782, asked us to mail the forms to r.bakker@example.com.',
    kinds: ['national_id', 'email'],
    lang: 'en',
  },

  // ---------------------------------------------------------------------------
  // English — negatives and tricky negatives
  // ---------------------------------------------------------------------------
  { text: 'Order 4000123456789017 shipped today via DHL.', kinds: [], lang: 'en' },
  { text: 'Invoice 5321 0099 8877 6656 is overdue by 14 days, reminder sent.', kinds: [], lang: 'en' },
  { text: 'Tracking 1234567890123452 shows the parcel at the Leeds hub.', kinds: [], lang: 'en' },
  {
    text: 'Please quote ref 7000 0012 3456 7892 in all correspondence about the claim.',
    kinds: [],
    lang: 'en',
  },
  { text: 'Customer reference 3000445566778891 added to the framework agreement.', kinds: [], lang: 'en' },
  { text: 'Meeting moved to 14/03/2025 at 10:30.', kinds: [], lang: 'en' },
  { text: 'Delivery date confirmed for 2 June 2025, postal code SW1A 1AA.', kinds: [], lang: 'en' },
  { text: 'Contract signed on 2024-01-15, renewal due on 2026-01-15.', kinds: [], lang: 'en' },
  { text: 'Upgraded the client to version 4.12.3, no issues reported.', kinds: [], lang: 'en' },
  { text: 'Quoted 1,299.00 EUR per licence, plus 12 seats @ 49 EUR for the add-on.', kinds: [], lang: 'en' },
  { text: 'Ran the weekly health check of the server, disk usage at 71%.', kinds: [], lang: 'en' },
  { text: 'Project health is amber because of the delayed API integration.', kinds: [], lang: 'en' },
  { text: 'Invited the whole team to the company party on Friday at 6pm.', kinds: [], lang: 'en' },
  { text: 'Their BI report uses a SQL UNION of the two customer tables.', kinds: [], lang: 'en' },
  { text: 'European Union VAT rules apply to the Irish subsidiary.', kinds: [], lang: 'en' },
  { text: 'New office is at 12 Union Street, Aberdeen AB11 6BA.', kinds: [], lang: 'en' },
  { text: 'ISBN 978-3-16-148410-0 ordered for the training library.', kinds: [], lang: 'en' },
  { text: 'Contract period 2019-2024 was extended by two years.', kinds: [], lang: 'en' },
  { text: 'SKU 4006381333931 out of stock until next week.', kinds: [], lang: 'en' },
  { text: 'Country of origin of the goods is Vietnam, customs paperwork attached.', kinds: [], lang: 'en' },
  { text: 'Paid by Visa ending in 4242, receipt sent.', kinds: [], lang: 'en' },
  { text: 'Customer will send the IBAN later by post.', kinds: [], lang: 'en' },
  { text: 'Told them to follow @acme_support for status updates.', kinds: [], lang: 'en' },
  { text: 'A tropical depression delayed the container ship by four days.', kinds: [], lang: 'en' },
  { text: 'The board voted for the blue logo option.', kinds: [], lang: 'en' },
  { text: 'Ticket #48213 closed, customer satisfied with the response time.', kinds: [], lang: 'en' },
  { text: 'Privacy policy v3 sent to procurement for review.', kinds: [], lang: 'en' },
  { text: 'Office hours 09:00-17:30, closed on bank holidays.', kinds: [], lang: 'en' },
  { text: 'Delivery address: 4 Church Road, Leeds LS1 4AP.', kinds: [], lang: 'en' },
  { text: 'The union of the two customer segments gives 1,240 accounts.', kinds: [], lang: 'en' },
  { text: 'System health dashboard shows 99.95% uptime for March.', kinds: [], lang: 'en' },
  { text: 'Budget approved: 45,000 GBP for phase 2, starting Q3.', kinds: [], lang: 'en' },

  // ---------------------------------------------------------------------------
  // German — positives
  // ---------------------------------------------------------------------------
  {
    text: 'Angebot bitte an anna.schmidt@example.de schicken, nicht an die Zentrale.',
    kinds: ['email'],
    lang: 'de',
  },
  {
    text: 'Neuer Ansprechpartner: Jonas Weber, j.weber@example.de, Tel. 030 1234567.',
    kinds: ['email', 'phone'],
    lang: 'de',
  },
  { text: 'Rechnungskopie an buchhaltung.meier@example.de weitergeleitet.', kinds: ['email'], lang: 'de' },
  { text: 'Rückruf erbeten unter +49 30 1234567, am besten vormittags.', kinds: ['phone'], lang: 'de' },
  { text: 'Handy 0171 2345678, nur für dringende Rückfragen.', kinds: ['phone'], lang: 'de' },
  { text: 'Frau Köhler ist erreichbar unter Tel. 089 12345678.', kinds: ['phone'], lang: 'de' },
  { text: 'Erstattung bitte auf DE89 3704 0044 0532 0130 00 überweisen.', kinds: ['iban'], lang: 'de' },
  { text: 'Neue Bankverbindung des Kunden: IBAN DE44500105175407324931.', kinds: ['iban'], lang: 'de' },
  {
    text: 'Lastschrift vom österreichischen Konto AT61 1904 3002 3457 3201 eingerichtet.',
    kinds: ['iban'],
    lang: 'de',
  },
  {
    text: 'Kunde hat mit Kreditkarte 5105 1051 0510 5100 bezahlt, Ablauf 11/26.',
    kinds: ['payment_card'],
    lang: 'de',
  },
  {
    text: 'Karte 4012888888881881 wurde abgelehnt, Kunde meldet sich.',
    kinds: ['payment_card'],
    lang: 'de',
  },
  { text: 'Zahlung per Visa 4242 4242 4242 4242 erfolgreich.', kinds: ['payment_card'], lang: 'de' },
  { text: 'Steuer-ID 65929970489 für die Lohnabrechnung erhalten.', kinds: ['national_id'], lang: 'de' },
  {
    text: 'Steueridentifikationsnummer des Mitarbeiters: 26954371827.',
    kinds: ['national_id'],
    lang: 'de',
  },
  {
    text: 'Bitte Steuer-ID 47151629834 im Vertrag ergänzen, Geburtsdatum 03.09.1965.',
    kinds: ['national_id', 'date_of_birth'],
    lang: 'de',
  },
  {
    text: 'Niederländischer Kunde, BSN 234567892 für die Steuerunterlagen hinterlegt.',
    kinds: ['national_id'],
    lang: 'de',
  },
  {
    text: 'Herr Vogel, geboren am 12.04.1978, möchte den Vertrag auf seine Frau umschreiben.',
    kinds: ['date_of_birth'],
    lang: 'de',
  },
  { text: 'Geburtsdatum laut Ausweis: 21.07.1983.', kinds: ['date_of_birth'], lang: 'de' },
  {
    text: 'Geburtstag am 05.05.1990 laut Formular, Glückwunsch vormerken.',
    kinds: ['date_of_birth'],
    lang: 'de',
  },
  {
    text: 'Frau Lange ist bis Ende Mai krankgeschrieben, Vertretung übernimmt Herr Ott.',
    kinds: ['health'],
    lang: 'de',
  },
  { text: 'Kunde hat Diabetes, beim Workshop auf zuckerfreie Snacks achten.', kinds: ['health'], lang: 'de' },
  { text: 'Sie ist schwanger und geht ab August in Mutterschutz.', kinds: ['health'], lang: 'de' },
  { text: 'Nach seiner Operation am Knie erst wieder ab Juni erreichbar.', kinds: ['health'], lang: 'de' },
  { text: 'Diagnose Depression, bittet um schriftliche Kommunikation.', kinds: ['health'], lang: 'de' },
  {
    text: 'Er ist gläubiger Muslim und geht freitags in die Moschee, keine Termine am Freitagmittag.',
    kinds: ['religion'],
    lang: 'de',
  },
  { text: 'Familie ist katholisch, Einladung zur Kommunion erhalten.', kinds: ['religion'], lang: 'de' },
  { text: 'Kundin ist jüdisch, beim Catering koscheres Essen bestellen.', kinds: ['religion'], lang: 'de' },
  {
    text: 'Herr Brandt ist evangelisch und engagiert sich im Kirchenvorstand seiner Gemeinde.',
    kinds: ['religion'],
    lang: 'de',
  },
  {
    text: 'Kunde erwähnte seine ethnische Herkunft (Sinti und Roma) im Beschwerdegespräch.',
    kinds: ['ethnicity'],
    lang: 'de',
  },
  {
    text: 'Bewerberin hat ihre kurdische Herkunft angegeben, gehört nicht ins CRM.',
    kinds: ['ethnicity'],
    lang: 'de',
  },
  {
    text: 'Familie gehört zur Minderheit der Sinti und Roma, Dolmetscher nicht nötig.',
    kinds: ['ethnicity'],
    lang: 'de',
  },
  {
    text: 'Herr Kaiser ist Parteimitglied der Grünen und fragt nach unserer CO2-Bilanz.',
    kinds: ['politics'],
    lang: 'de',
  },
  { text: 'Sie ist Mitglied der SPD und sitzt im Stadtrat.', kinds: ['politics'], lang: 'de' },
  { text: 'Er ist Mitglied der CDU, Gespräch nicht auf Politik lenken.', kinds: ['politics'], lang: 'de' },
  {
    text: 'Herr Yilmaz ist Mitglied der IG Metall und bringt einen Gewerkschaftsvertreter mit.',
    kinds: ['union'],
    lang: 'de',
  },
  {
    text: 'Sie ist Gewerkschaftsmitglied bei ver.di und Vertrauensfrau im Lager.',
    kinds: ['union'],
    lang: 'de',
  },
  {
    text: 'Betriebsratsmitglied und in der Gewerkschaft aktiv, Termin nur über Tel. 0221 9876543.',
    kinds: ['union', 'phone'],
    lang: 'de',
  },
  {
    text: 'Er ist schwul und bringt seinen Partner zur Kundenveranstaltung mit.',
    kinds: ['sexual_orientation'],
    lang: 'de',
  },
  {
    text: 'Kundin ist lesbisch, gemeinsames Konto mit ihrer Ehefrau.',
    kinds: ['sexual_orientation'],
    lang: 'de',
  },
  {
    text: 'Hat erwähnt, dass er bisexuell ist. Für den Vertrag irrelevant, bitte löschen.',
    kinds: ['sexual_orientation'],
    lang: 'de',
  },
  {
    text: 'Frau Peters (p.peters@example.de) hat eine Allergie gegen Nüsse, geboren 14.02.1972.',
    kinds: ['email', 'health', 'date_of_birth'],
    lang: 'de',
  },
  {
    text: 'Anerkannte Behinderung (GdB 50), Parkplatz direkt am Eingang reservieren.',
    kinds: ['health'],
    lang: 'de',
  },
  {
    text: 'Er betont seine Roma-Herkunft und ist Mitglied der Linken.',
    kinds: ['ethnicity', 'politics'],
    lang: 'de',
  },
  {
    text: 'Herr Sommer ist homosexuell und in der Gewerkschaft ver.di organisiert.',
    kinds: ['sexual_orientation', 'union'],
    lang: 'de',
  },

  // ---------------------------------------------------------------------------
  // German — negatives and tricky negatives
  // ---------------------------------------------------------------------------
  { text: 'Bestellnummer 6011000999000114 ist bereits versandt.', kinds: [], lang: 'de' },
  { text: 'Rechnungsnummer 4532 0151 1283 0366 wurde storniert und neu ausgestellt.', kinds: [], lang: 'de' },
  { text: 'Bitte Bestellnummer: 9000123400005550 bei Rückfragen angeben.', kinds: [], lang: 'de' },
  { text: 'Termin am 14.03.2025 um 10:30 Uhr im Büro Hamburg.', kinds: [], lang: 'de' },
  { text: 'Lieferung am 12.04.2024 an PLZ 10115 Berlin.', kinds: [], lang: 'de' },
  { text: 'Vertrag vom 01.02.2023, Laufzeit bis 31.01.2026.', kinds: [], lang: 'de' },
  { text: 'Update auf Version 2.14.3 eingespielt, keine Fehler.', kinds: [], lang: 'de' },
  { text: 'Preis: 1.299,00 EUR netto zzgl. MwSt.', kinds: [], lang: 'de' },
  { text: 'Health-Check der Datenbank ohne Auffälligkeiten, alle Dienste laufen.', kinds: [], lang: 'de' },
  { text: 'Firmenparty am Freitag ab 18 Uhr im Innenhof.', kinds: [], lang: 'de' },
  {
    text: 'Die Europäische Union hat neue Zollregeln für Ersatzteile veröffentlicht.',
    kinds: [],
    lang: 'de',
  },
  { text: 'Lieferadresse: Kirchstraße 5, 50667 Köln.', kinds: [], lang: 'de' },
  { text: 'Herkunft der Ware: Italien, Zollpapiere liegen bei.', kinds: [], lang: 'de' },
  { text: 'Projektlaufzeit 2019-2024, Abschlussbericht folgt im Januar.', kinds: [], lang: 'de' },
  { text: 'ISBN 978-3-86680-192-9 für die Schulungsbibliothek bestellt.', kinds: [], lang: 'de' },
  { text: 'Kundennummer 100245, Ticket 2024-0815 geschlossen.', kinds: [], lang: 'de' },
  { text: 'Systemstatus grün, keine Ausfälle im letzten Quartal.', kinds: [], lang: 'de' },
  { text: 'Die Betriebsversammlung beim Kunden findet am 20.06.2025 statt.', kinds: [], lang: 'de' },
  { text: 'Wir haben die Rechenoperation im CSV-Export korrigiert.', kinds: [], lang: 'de' },
  { text: 'Angebot gilt bis 30.09.2025, Zahlungsziel 14 Tage.', kinds: [], lang: 'de' },
  { text: 'Artikelnummer SKU-88412-B nachbestellt, Lieferzeit 3 Wochen.', kinds: [], lang: 'de' },
  { text: 'IBAN folgt per Post, bitte noch keine Lastschrift einrichten.', kinds: [], lang: 'de' },
  { text: 'Der Kunde stimmte für Variante B des Layouts.', kinds: [], lang: 'de' },
  { text: 'Öffnungszeiten 08:00-16:30, freitags bis 14:00.', kinds: [], lang: 'de' },
  { text: 'KW 12 ist für die Schulung reserviert, Raum 3.14.', kinds: [], lang: 'de' },
  { text: 'Karte für die Messe in Köln ist gebucht, Stand B12.', kinds: [], lang: 'de' },
  { text: 'SQL-Abfrage mit UNION ALL über beide Mandanten beschleunigt.', kinds: [], lang: 'de' },
  { text: 'Rabatt von 15 % auf die Wartung ab dem zweiten Jahr vereinbart.', kinds: [], lang: 'de' },

  // ---------------------------------------------------------------------------
  // French — positives
  // ---------------------------------------------------------------------------
  {
    text: "Merci d'envoyer le devis à claire.dubois@example.fr avant vendredi.",
    kinds: ['email'],
    lang: 'fr',
  },
  {
    text: 'Nouveau contact : Julien Marchand, j.marchand@example.fr, +33 1 42 68 53 00.',
    kinds: ['email', 'phone'],
    lang: 'fr',
  },
  {
    text: 'Le client préfère être contacté par e-mail : sophie.leroy@example.fr.',
    kinds: ['email'],
    lang: 'fr',
  },
  { text: 'Rappeler Mme Girard au +33 6 12 34 56 78 après 14h.', kinds: ['phone'], lang: 'fr' },
  { text: 'Son portable : 06 98 76 54 32, uniquement en semaine.', kinds: ['phone'], lang: 'fr' },
  { text: 'Tél. 01 45 67 89 10, demander le service achats.', kinds: ['phone'], lang: 'fr' },
  {
    text: 'Remboursement à effectuer sur FR14 2004 1010 0505 0001 3M02 606.',
    kinds: ['iban'],
    lang: 'fr',
  },
  { text: 'Nouveau RIB du client : IBAN FR7630006000011234567890189.', kinds: ['iban'], lang: 'fr' },
  {
    text: 'Virement depuis le compte belge BE68 5390 0754 7034 reçu ce matin.',
    kinds: ['iban'],
    lang: 'fr',
  },
  {
    text: 'Le fournisseur suisse a communiqué son IBAN CH93 0076 2011 6238 5295 7.',
    kinds: ['iban'],
    lang: 'fr',
  },
  {
    text: 'Le client a payé avec sa carte Visa 4111 1111 1111 1111.',
    kinds: ['payment_card'],
    lang: 'fr',
  },
  {
    text: 'Carte bancaire 5555 5555 5555 4444 refusée, il rappellera.',
    kinds: ['payment_card'],
    lang: 'fr',
  },
  {
    text: 'Paiement par carte American Express 3714 496353 98431 confirmé.',
    kinds: ['payment_card'],
    lang: 'fr',
  },
  {
    text: 'Numéro de sécurité sociale : 1 84 12 76 451 089 46, à transmettre à la paie.',
    kinds: ['national_id'],
    lang: 'fr',
  },
  { text: 'NIR de la salariée : 2 90 06 75 123 456 85.', kinds: ['national_id'], lang: 'fr' },
  {
    text: "Son numéro de sécu 1 75 05 31 555 017 94 figure sur le formulaire d'adhésion.",
    kinds: ['national_id'],
    lang: 'fr',
  },
  {
    text: 'Mme Petit, née le 12/05/1987, souhaite transférer le contrat à sa fille.',
    kinds: ['date_of_birth'],
    lang: 'fr',
  },
  {
    text: "Date de naissance : 23/11/1975, vérifiée sur la pièce d'identité.",
    kinds: ['date_of_birth'],
    lang: 'fr',
  },
  {
    text: 'M. Garnier, né le 4 février 1969, demande une résiliation anticipée.',
    kinds: ['date_of_birth'],
    lang: 'fr',
  },
  { text: "Mme Roux est en arrêt maladie jusqu'au 30 avril.", kinds: ['health'], lang: 'fr' },
  {
    text: 'Le client a un diabète de type 1, prévoir des pauses pendant la formation.',
    kinds: ['health'],
    lang: 'fr',
  },
  {
    text: 'Elle est enceinte et sera en congé à partir de juin.',
    kinds: ['health'],
    lang: 'fr',
  },
  {
    text: "Il souffre d'une dépression depuis l'automne, privilégier les e-mails.",
    kinds: ['health'],
    lang: 'fr',
  },
  {
    text: 'Allergie aux arachides signalée par Mme Fabre pour le déjeuner du séminaire.',
    kinds: ['health'],
    lang: 'fr',
  },
  {
    text: 'Il est musulman pratiquant, éviter les rendez-vous pendant le ramadan.',
    kinds: ['religion'],
    lang: 'fr',
  },
  {
    text: "La famille est catholique et va à l'église chaque dimanche.",
    kinds: ['religion'],
    lang: 'fr',
  },
  { text: 'Client juif, demander un repas casher pour le dîner de gala.', kinds: ['religion'], lang: 'fr' },
  {
    text: "Elle est protestante et s'occupe de sa paroisse le week-end.",
    kinds: ['religion'],
    lang: 'fr',
  },
  {
    text: 'Le client a mentionné son origine ethnique lors de la réclamation (famille rom).',
    kinds: ['ethnicity'],
    lang: 'fr',
  },
  {
    text: 'Origine ethnique indiquée dans le formulaire : maghrébine. Ne pas conserver.',
    kinds: ['ethnicity'],
    lang: 'fr',
  },
  {
    text: 'Il se dit issu de la communauté gitane et craint une discrimination.',
    kinds: ['ethnicity'],
    lang: 'fr',
  },
  {
    text: 'Il est membre du parti écologiste et candidat aux municipales.',
    kinds: ['politics'],
    lang: 'fr',
  },
  {
    text: 'Militant socialiste, il a refusé de parler du projet de loi.',
    kinds: ['politics'],
    lang: 'fr',
  },
  {
    text: 'Elle est membre du parti Les Républicains depuis 2015.',
    kinds: ['politics'],
    lang: 'fr',
  },
  { text: 'Il est syndiqué à la CGT et délégué du personnel.', kinds: ['union'], lang: 'fr' },
  {
    text: "Membre du syndicat CFDT, souhaite être accompagné lors de l'entretien.",
    kinds: ['union'],
    lang: 'fr',
  },
  {
    text: 'Représentante syndicale FO, joignable sur son portable au 06 11 22 33 44.',
    kinds: ['union', 'phone'],
    lang: 'fr',
  },
  {
    text: 'Il est gay et viendra avec son mari au cocktail client.',
    kinds: ['sexual_orientation'],
    lang: 'fr',
  },
  {
    text: 'Elle est lesbienne, sa compagne est cotitulaire du compte.',
    kinds: ['sexual_orientation'],
    lang: 'fr',
  },
  {
    text: 'Le client a indiqué être homosexuel lors de la souscription.',
    kinds: ['sexual_orientation'],
    lang: 'fr',
  },
  {
    text: 'Mme Lambert (lambert.c@example.fr), née le 02/03/1958, handicap moteur : prévoir un accès PMR.',
    kinds: ['email', 'date_of_birth', 'health'],
    lang: 'fr',
  },
  {
    text: 'Il est bisexuel et militant du parti communiste, selon ses propres mots.',
    kinds: ['sexual_orientation', 'politics'],
    lang: 'fr',
  },
  {
    text: "Il est d'origine rom et syndiqué chez SUD, il l'a mentionné pendant l'appel.",
    kinds: ['ethnicity', 'union'],
    lang: 'fr',
  },

  // ---------------------------------------------------------------------------
  // French — negatives and tricky negatives
  // ---------------------------------------------------------------------------
  { text: 'Commande 4242000011112224 expédiée hier par Colissimo.', kinds: [], lang: 'fr' },
  { text: 'Facture 5100 0077 8899 0011 réglée par virement le 3 mars.', kinds: [], lang: 'fr' },
  { text: 'Numéro de commande : 1234 5678 9012 3452 à rappeler au transporteur.', kinds: [], lang: 'fr' },
  { text: 'Réunion fixée au 14/03/2025 à 10h30.', kinds: [], lang: 'fr' },
  { text: 'Livraison prévue le 12/04/2024 à Lyon, code postal 69003.', kinds: [], lang: 'fr' },
  { text: 'Contrat signé le 05/06/2023 pour une durée de trois ans.', kinds: [], lang: 'fr' },
  { text: 'Mise à jour vers la version 3.2.1 effectuée sans incident.', kinds: [], lang: 'fr' },
  { text: 'Prix : 1 299,00 € HT par licence.', kinds: [], lang: 'fr' },
  { text: 'Contrôle de santé du serveur OK, aucune alerte.', kinds: [], lang: 'fr' },
  { text: "La fête de l'entreprise aura lieu vendredi soir au siège.", kinds: [], lang: 'fr' },
  { text: "Nouvelles règles de l'Union européenne sur la TVA intracommunautaire.", kinds: [], lang: 'fr' },
  { text: 'Bureau situé 8 rue Gay-Lussac, 75005 Paris.', kinds: [], lang: 'fr' },
  { text: "Adresse de livraison : 3 rue de l'Église, 67000 Strasbourg.", kinds: [], lang: 'fr' },
  { text: 'Origine des produits : Portugal, certificat joint.', kinds: [], lang: 'fr' },
  { text: "À partir de lundi, le support passe en horaires d'été.", kinds: [], lang: 'fr' },
  { text: 'Le syndic de copropriété a validé les travaux dans le hall.', kinds: [], lang: 'fr' },
  { text: "Période 2019-2024 couverte par l'ancien contrat cadre.", kinds: [], lang: 'fr' },
  { text: 'ISBN 978-2-07-036822-8 commandé pour la formation.', kinds: [], lang: 'fr' },
  { text: 'Ticket 2024-0815 clôturé, client satisfait.', kinds: [], lang: 'fr' },
  { text: "Le client a voté pour l'option B du nouveau logo.", kinds: [], lang: 'fr' },
  { text: 'Le RIB sera envoyé par courrier la semaine prochaine.', kinds: [], lang: 'fr' },
  { text: 'Carte de fidélité envoyée au client avec le catalogue.', kinds: [], lang: 'fr' },
  { text: 'Horaires : 9h00-18h00 du lundi au vendredi.', kinds: [], lang: 'fr' },
  { text: 'Référence article SKU-FR-22817 en rupture de stock.', kinds: [], lang: 'fr' },
  { text: 'Opération de maintenance prévue dimanche à 2h du matin.', kinds: [], lang: 'fr' },
  { text: 'Acompte de 30 % versé, solde à la livraison.', kinds: [], lang: 'fr' },
  { text: 'La santé financière du projet est bonne, budget respecté.', kinds: [], lang: 'fr' },

  // ---------------------------------------------------------------------------
  // Spanish — positives
  // ---------------------------------------------------------------------------
  {
    text: 'Enviar el presupuesto a lucia.fernandez@example.es, no al correo general.',
    kinds: ['email'],
    lang: 'es',
  },
  {
    text: 'Nuevo contacto: Pablo Ruiz, p.ruiz@example.es, +34 912 345 678.',
    kinds: ['email', 'phone'],
    lang: 'es',
  },
  {
    text: 'Prefiere recibir las facturas en contabilidad.ortega@example.es.',
    kinds: ['email'],
    lang: 'es',
  },
  { text: 'Llamar a la Sra. Navarro al +34 612 345 678 por la tarde.', kinds: ['phone'], lang: 'es' },
  { text: 'Su móvil es 699 123 456, solo días laborables.', kinds: ['phone'], lang: 'es' },
  { text: 'Tel. 93 123 45 67, preguntar por el departamento de compras.', kinds: ['phone'], lang: 'es' },
  { text: 'Devolución a la cuenta ES91 2100 0418 4502 0005 1332.', kinds: ['iban'], lang: 'es' },
  { text: 'Nuevos datos bancarios: IBAN ES6000491500051234567892.', kinds: ['iban'], lang: 'es' },
  {
    text: 'Transferencia recibida desde la cuenta italiana IT60 X054 2811 1010 0000 0123 456.',
    kinds: ['iban'],
    lang: 'es',
  },
  {
    text: 'Domiciliación en ES98 2038 5778 9830 0076 0236 a partir de marzo.',
    kinds: ['iban'],
    lang: 'es',
  },
  {
    text: 'Pagó con tarjeta Visa 4000 0566 5566 5556, caduca 08/26.',
    kinds: ['payment_card'],
    lang: 'es',
  },
  {
    text: 'Tarjeta Mastercard 5200 8282 8282 8210 rechazada, volverá a intentarlo.',
    kinds: ['payment_card'],
    lang: 'es',
  },
  {
    text: 'El cliente dictó su tarjeta Discover 6011 1111 1111 1117 por teléfono.',
    kinds: ['payment_card'],
    lang: 'es',
  },
  { text: 'DNI 12345678Z del titular, copia adjunta al contrato.', kinds: ['national_id'], lang: 'es' },
  { text: 'NIE X1234567L para el alta como cliente.', kinds: ['national_id'], lang: 'es' },
  { text: 'El DNI de la apoderada es 87654321X.', kinds: ['national_id'], lang: 'es' },
  {
    text: 'Cliente extranjera con NIE Y2345678Z, pide la factura a su nombre.',
    kinds: ['national_id'],
    lang: 'es',
  },
  {
    text: 'Sra. Molina, nacida el 04/02/1991, quiere cambiar el titular.',
    kinds: ['date_of_birth'],
    lang: 'es',
  },
  {
    text: 'Fecha de nacimiento: 17/08/1969, verificada con el documento de identidad.',
    kinds: ['date_of_birth'],
    lang: 'es',
  },
  {
    text: 'El Sr. Castro, nacido el 30 de junio de 1982, solicita cancelar el servicio.',
    kinds: ['date_of_birth'],
    lang: 'es',
  },
  { text: 'La Sra. Vidal está de baja médica hasta el 15 de mayo.', kinds: ['health'], lang: 'es' },
  { text: 'Tiene diabetes, evitar comidas largas en las visitas.', kinds: ['health'], lang: 'es' },
  {
    text: 'Está embarazada y pidió reuniones en remoto a partir de julio.',
    kinds: ['health'],
    lang: 'es',
  },
  {
    text: 'Le diagnosticaron cáncer el año pasado, hablar solo con su hija.',
    kinds: ['health'],
    lang: 'es',
  },
  {
    text: 'Alergia al marisco, tenerlo en cuenta en la cena de clientes.',
    kinds: ['health'],
    lang: 'es',
  },
  {
    text: 'Es musulmán practicante y reza en la mezquita los viernes.',
    kinds: ['religion'],
    lang: 'es',
  },
  {
    text: 'Familia católica, no programar visitas en Semana Santa.',
    kinds: ['religion'],
    lang: 'es',
  },
  { text: 'Es judío y pidió comida kosher para el evento.', kinds: ['religion'], lang: 'es' },
  {
    text: 'Va a la iglesia evangélica todos los domingos, llamar entre semana.',
    kinds: ['religion'],
    lang: 'es',
  },
  {
    text: 'Mencionó que es gitano y que se sintió discriminado en la tienda.',
    kinds: ['ethnicity'],
    lang: 'es',
  },
  {
    text: 'Origen étnico indicado en la encuesta: afrodescendiente. No guardar en el CRM.',
    kinds: ['ethnicity'],
    lang: 'es',
  },
  {
    text: 'La clienta es de etnia gitana y pidió hablar con la responsable.',
    kinds: ['ethnicity'],
    lang: 'es',
  },
  {
    text: 'Está afiliado al partido socialista y es concejal en su municipio.',
    kinds: ['politics'],
    lang: 'es',
  },
  { text: 'Dijo que votó a Podemos en las últimas elecciones.', kinds: ['politics'], lang: 'es' },
  {
    text: 'Militante del partido verde, pregunta por nuestra huella de carbono.',
    kinds: ['politics'],
    lang: 'es',
  },
  {
    text: 'Está afiliado a CCOO y es delegado sindical en la fábrica.',
    kinds: ['union'],
    lang: 'es',
  },
  {
    text: 'Afiliada a UGT, quiere que el sindicato revise el contrato.',
    kinds: ['union'],
    lang: 'es',
  },
  {
    text: 'Miembro del sindicato del metal, llamar al móvil 612 987 654.',
    kinds: ['union', 'phone'],
    lang: 'es',
  },
  {
    text: 'Es gay y vendrá con su marido a la presentación.',
    kinds: ['sexual_orientation'],
    lang: 'es',
  },
  {
    text: 'La clienta es lesbiana y abrió la cuenta con su esposa.',
    kinds: ['sexual_orientation'],
    lang: 'es',
  },
  {
    text: 'Comentó que es bisexual; no es relevante para la venta, borrar.',
    kinds: ['sexual_orientation'],
    lang: 'es',
  },
  {
    text: 'Cliente homosexual, pidió que no se envíe correo postal a casa de sus padres.',
    kinds: ['sexual_orientation'],
    lang: 'es',
  },
  {
    text: 'Sr. Gil (gil.andres@example.es), fecha de nacimiento 12/12/1960, discapacidad reconocida del 45 %.',
    kinds: ['email', 'date_of_birth', 'health'],
    lang: 'es',
  },
  {
    text: 'Pagó con tarjeta American Express 3787 344936 71000 y facilitó su DNI 45678912S.',
    kinds: ['payment_card', 'national_id'],
    lang: 'es',
  },
  {
    text: 'Es de origen étnico bereber y está afiliado a CCOO.',
    kinds: ['ethnicity', 'union'],
    lang: 'es',
  },
  {
    text: 'Católico practicante y afiliado al partido popular, según comentó en la comida.',
    kinds: ['religion', 'politics'],
    lang: 'es',
  },

  // ---------------------------------------------------------------------------
  // Spanish — negatives and tricky negatives
  // ---------------------------------------------------------------------------
  { text: 'Pedido 2024000012345672 enviado por mensajería urgente.', kinds: [], lang: 'es' },
  { text: 'Factura 9876 5432 1098 7658 pendiente de pago desde febrero.', kinds: [], lang: 'es' },
  {
    text: 'Número de pedido: 4000 1234 5678 9017, el cliente pregunta por el estado.',
    kinds: [],
    lang: 'es',
  },
  { text: 'Reunión el 14/03/2025 a las 10:30 en la oficina de Valencia.', kinds: [], lang: 'es' },
  { text: 'Entrega prevista el 10/09/2024 en Madrid, código postal 28013.', kinds: [], lang: 'es' },
  { text: 'Contrato firmado el 15/01/2024 con renovación anual.', kinds: [], lang: 'es' },
  { text: 'Actualizado a la versión 5.0.2 sin incidencias.', kinds: [], lang: 'es' },
  { text: 'Precio: 1.299,00 € por licencia, IVA no incluido.', kinds: [], lang: 'es' },
  { text: 'Revisión del estado del servidor correcta, sin alertas.', kinds: [], lang: 'es' },
  { text: 'La fiesta de la empresa será el viernes por la noche.', kinds: [], lang: 'es' },
  { text: 'Nuevas normas de la Unión Europea para la facturación electrónica.', kinds: [], lang: 'es' },
  { text: 'Oficina en la Calle de la Iglesia 4, 28019 Madrid.', kinds: [], lang: 'es' },
  { text: 'Origen del pedido: tienda online, canal de afiliados.', kinds: [], lang: 'es' },
  { text: 'El partido de fútbol del sábado se retrasa, cambiar la visita.', kinds: [], lang: 'es' },
  { text: 'Periodo 2019-2024 cubierto por el contrato marco anterior.', kinds: [], lang: 'es' },
  { text: 'ISBN 978-84-376-0494-7 pedido para la formación.', kinds: [], lang: 'es' },
  { text: 'Incidencia 2024-0815 cerrada, cliente satisfecho.', kinds: [], lang: 'es' },
  { text: 'El comité votó a favor del nuevo diseño del catálogo.', kinds: [], lang: 'es' },
  { text: 'El IBAN lo enviará por correo la próxima semana.', kinds: [], lang: 'es' },
  { text: 'Horario: 9:00-18:00 de lunes a viernes.', kinds: [], lang: 'es' },
  { text: 'Referencia SKU-ES-55120 agotada hasta el mes que viene.', kinds: [], lang: 'es' },
  { text: 'Tarjeta de fidelización enviada al cliente junto con el catálogo.', kinds: [], lang: 'es' },
  { text: 'Una depresión tropical retrasó el barco con la mercancía.', kinds: [], lang: 'es' },
  { text: 'Pago del 30 % por adelantado, resto a la entrega.', kinds: [], lang: 'es' },
  { text: 'Consulta SQL con UNION de las dos tablas de clientes optimizada.', kinds: [], lang: 'es' },
  { text: 'Salud del proyecto: en verde, hitos cumplidos.', kinds: [], lang: 'es' },
];
