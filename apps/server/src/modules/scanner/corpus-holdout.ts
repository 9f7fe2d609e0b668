import type { CorpusEntry } from './corpus.js';

/** Held out: written without looking at the scanner, to measure it honestly. */
export const holdout: readonly CorpusEntry[] = [
  // ───────────────────────────── English ─────────────────────────────
  {
    text: 'Spoke with Priya Raman, she asked us to send the renewal quote to priya.raman@northwind-logistics.co.uk instead of the generic inbox.',
    kinds: ['email'],
    lang: 'en',
  },
  {
    text: 'Call summary: Tom Okafor rang back from his mobile, +44 7700 900461, wants the demo moved to Thursday.',
    kinds: ['phone'],
    lang: 'en',
  },
  {
    text: 'Dutch hire starts Monday - BSN 123456782, salary into NL91 ABNA 0417 1643 00 per the signed form.',
    kinds: ['national_id', 'iban'],
    lang: 'en',
  },
  {
    text: 'Refund to be sent to acct GB29 NWBK 6016 1331 9268 19, name on account: D. Whitfield.',
    kinds: ['iban'],
    lang: 'en',
  },
  {
    text: 'Customer read out card number 4242 4242 4242 4242 exp 09/27 over the phone - DO NOT store, redact after processing.',
    kinds: ['payment_card'],
    lang: 'en',
  },
  {
    text: 'paid with amex 3782 822463 10005, receipt emailed to the office manager.',
    kinds: ['payment_card'],
    lang: 'en',
  },
  {
    text: 'NI number for payroll onboarding: JG 10 37 54 A (Mark Ellison).',
    kinds: ['national_id'],
    lang: 'en',
  },
  {
    text: "Contractor's NINO is AB123456C, forwarded to finance for the IR35 check.",
    kinds: ['national_id'],
    lang: 'en',
  },
  {
    text: 'DOB 02/11/1979 confirmed during ID check, address unchanged.',
    kinds: ['date_of_birth'],
    lang: 'en',
  },
  {
    text: 'Mr Haddad mentioned he is type 1 diabetic and may need to step out during the workshop for insulin.',
    kinds: ['health'],
    lang: 'en',
  },
  {
    text: 'Sarah off sick until further notice - recovering from chemo, husband Dave is handling the account meanwhile.',
    kinds: ['health'],
    lang: 'en',
  },
  {
    text: 'Reschedule: client is observing Ramadan, prefers calls after sunset. He is a practising Muslim, avoid lunch meetings.',
    kinds: ['religion'],
    lang: 'en',
  },
  {
    text: 'note from Kev: the Goldbergs are orthodox Jewish so no Saturday deliveries or calls.',
    kinds: ['religion'],
    lang: 'en',
  },
  {
    text: 'Applicant said she is of Roma heritage and felt the previous supplier treated her unfairly because of it.',
    kinds: ['ethnicity'],
    lang: 'en',
  },
  {
    text: 'Mr Adeyemi (British-Nigerian, Yoruba family) asked whether the brochure is available in Yoruba for his parents.',
    kinds: ['ethnicity'],
    lang: 'en',
  },
  {
    text: 'Jenny is a Labour party member and standing as a councillor in May - keep political chat out of the sales call.',
    kinds: ['politics'],
    lang: 'en',
  },
  {
    text: 'He went on for ten minutes about how he votes Reform and hates the Tories. Steer clear next time.',
    kinds: ['politics'],
    lang: 'en',
  },
  {
    text: "Shop steward for Unite at the Derby plant - wants union reps cc'd on the consultation.",
    kinds: ['union'],
    lang: 'en',
  },
  {
    text: "Gareth mentioned he's in the GMB union and they're balloting for strike action in June.",
    kinds: ['union'],
    lang: 'en',
  },
  {
    text: 'Alex is openly gay and asked that his partner Michael be added as second contact on the policy.',
    kinds: ['sexual_orientation'],
    lang: 'en',
  },
  {
    text: 'She told me she is bisexual when explaining the joint application, asked us not to mention it to her manager.',
    kinds: ['sexual_orientation'],
    lang: 'en',
  },
  {
    text: 'New lead: Fatima Qureshi, fatima.q@outlook.com, tel: +44 161 496 0734, DOB 1988-07-21.',
    kinds: ['email', 'phone', 'date_of_birth'],
    lang: 'en',
  },
  {
    text: 'Invoice 4539 1488 0343 6467 is overdue by 30 days, chase accounts payable.',
    kinds: [],
    lang: 'en',
  },
  {
    text: 'Order no. 1234567812345670 shipped via DHL, tracking JD014600006281234567.',
    kinds: [],
    lang: 'en',
  },
  { text: 'Delivery scheduled for 12/05/2025 between 08:00 and 10:00, dock 3.', kinds: [], lang: 'en' },
  {
    text: 'Server health check failed at 03:14 UTC; ops restarted the API pod, no customer impact.',
    kinds: [],
    lang: 'en',
  },
  {
    text: 'Contract runs 2023-2026, price £14,950 per annum excl. VAT, service start 01/04/2024.',
    kinds: [],
    lang: 'en',
  },
  {
    text: 'New office is at 22 Church Street, Leeds LS1 4DT - parking behind the building.',
    kinds: [],
    lang: 'en',
  },
  {
    text: 'Discussed how the European Union data rules affect their choice of cloud region.',
    kinds: [],
    lang: 'en',
  },
  {
    text: 'Their BI team uses a SQL UNION across both order tables; asked if our export supports that.',
    kinds: [],
    lang: 'en',
  },
  {
    text: 'Invited to the company party on Friday 19:30 at the Union Jack pub - bring the new brochures.',
    kinds: [],
    lang: 'en',
  },
  {
    text: 'Shipment delayed: a tropical depression in the Gulf has closed the port for 48h.',
    kinds: [],
    lang: 'en',
  },
  {
    text: 'The board voted for the blue logo design, v2.4.1 of the brand guide goes out Monday.',
    kinds: [],
    lang: 'en',
  },
  {
    text: 'Customer ID 111222333 (Dutch subsidiary), account ref ACC-2024-00917, ticket #55102 closed.',
    kinds: [],
    lang: 'en',
  },
  {
    text: 'Call back on Tuesday at 2pm re: the 3-year renewal; quote valid until 30 June.',
    kinds: [],
    lang: 'en',
  },

  // ───────────────────────────── German ─────────────────────────────
  {
    text: 'Frau Schneider bittet um Rückruf, Tel.: 030 28 49 31 77, am besten vormittags.',
    kinds: ['phone'],
    lang: 'de',
  },
  { text: 'Handy von Herrn Yilmaz: 0176 23456789 – nur per SMS erreichbar.', kinds: ['phone'], lang: 'de' },
  {
    text: 'Ansprechpartnerin jetzt k.weber@stadtwerke-musterstadt.de (alte Adresse deaktiviert).',
    kinds: ['email'],
    lang: 'de',
  },
  {
    text: 'Bankverbindung für Gutschrift: IBAN DE89 3704 0044 0532 0130 00, Kontoinhaber Jürgen Bauer.',
    kinds: ['iban'],
    lang: 'de',
  },
  {
    text: 'Zahlung per Kreditkarte, Mastercard 5555 5555 5555 4444, gültig bis 11/26.',
    kinds: ['payment_card'],
    lang: 'de',
  },
  {
    text: 'Steuer-ID des neuen Mitarbeiters: 65929970489 – bitte an die Lohnbuchhaltung.',
    kinds: ['national_id'],
    lang: 'de',
  },
  { text: 'laut Personalbogen geboren am 17.08.1969 in Dresden.', kinds: ['date_of_birth'], lang: 'de' },
  {
    text: 'Geburtsdatum: 03.02.1994 – Kundin möchte den Geburtstagsrabatt.',
    kinds: ['date_of_birth'],
    lang: 'de',
  },
  {
    text: 'Herr Brandt ist nach Bandscheibenvorfall krankgeschrieben, Termin auf Mai verschoben.',
    kinds: ['health'],
    lang: 'de',
  },
  {
    text: 'Kundin erwähnte, dass sie wegen Depressionen in psychotherapeutischer Behandlung ist, bitte sensibel kommunizieren.',
    kinds: ['health'],
    lang: 'de',
  },
  {
    text: 'Familie Özdemir feiert das Zuckerfest, Lieferung bitte nicht am Dienstag. Sie sind gläubige Muslime.',
    kinds: ['religion'],
    lang: 'de',
  },
  {
    text: 'Herr Hoffmann ist Zeuge Jehovas und möchte keine Geburtstagsaktionen erhalten.',
    kinds: ['religion'],
    lang: 'de',
  },
  {
    text: 'Kunde ist kurdischer Abstammung und wünscht Unterlagen ggf. auf Kurmandschi.',
    kinds: ['ethnicity'],
    lang: 'de',
  },
  {
    text: 'Sie erzählte, ihre Familie gehört zur Minderheit der Sinti, daher die Vorbehalte gegenüber Behörden.',
    kinds: ['ethnicity'],
    lang: 'de',
  },
  {
    text: 'Hr. Lange ist AfD-Mitglied und sitzt im Kreistag – Thema Politik im Gespräch vermeiden.',
    kinds: ['politics'],
    lang: 'de',
  },
  {
    text: 'Sie engagiert sich bei den Grünen, wählt seit Jahren grün und findet unser Nachhaltigkeitskonzept gut.',
    kinds: ['politics'],
    lang: 'de',
  },
  {
    text: 'Betriebsrat Müller ist ver.di-Mitglied und möchte, dass die Gewerkschaft beim Rollout informiert wird.',
    kinds: ['union'],
    lang: 'de',
  },
  {
    text: 'herr kaya ist seit 2015 in der IG Metall organisiert und Vertrauensmann im Werk.',
    kinds: ['union'],
    lang: 'de',
  },
  {
    text: 'Kollege Jens ist schwul und lebt mit seinem Mann in Köln; bitte beide als Kontakt hinterlegen.',
    kinds: ['sexual_orientation'],
    lang: 'de',
  },
  {
    text: 'Frau Lorenz hat erwähnt, dass sie lesbisch ist und mit ihrer Partnerin die Wohnung kauft.',
    kinds: ['sexual_orientation'],
    lang: 'de',
  },
  {
    text: 'Neuer Kontakt: Dr. Anja Vogt, anja.vogt@praxis-vogt.de, mob. +49 171 5550123, Geburtsdatum 29.02.1980.',
    kinds: ['email', 'phone', 'date_of_birth'],
    lang: 'de',
  },
  {
    text: 'Lastschrift auf AT61 1904 3002 3457 3201 eingerichtet; Visa-Karte 4012 8888 8888 1881 als Backup hinterlegt.',
    kinds: ['iban', 'payment_card'],
    lang: 'de',
  },
  {
    text: 'Rechnung 4916 3385 0608 2832 wurde am 14.03.2025 versendet, Zahlungsziel 30 Tage.',
    kinds: [],
    lang: 'de',
  },
  { text: 'Bestellung Nr. 7992739871300008 storniert, Gutschrift folgt.', kinds: [], lang: 'de' },
  { text: 'Liefertermin 22.11.2024, Lieferadresse Kirchgasse 5, 79098 Freiburg.', kinds: [], lang: 'de' },
  { text: 'Vertragsbeginn 01.01.2025, Laufzeit 2025–2027, Preis 1.299,00 € netto.', kinds: [], lang: 'de' },
  {
    text: 'Die Europäische Union plant neue Vorgaben zur E-Rechnung, Kunde fragt nach der Umsetzung.',
    kinds: [],
    lang: 'de',
  },
  { text: 'Gesundheitscheck der Server ok, Version 3.8.2 ausgerollt um 22:15 Uhr.', kinds: [], lang: 'de' },
  { text: 'Kundennummer 26954371827, Vorgang 2024-11-0042, Ticket geschlossen.', kinds: [], lang: 'de' },
  {
    text: 'Firmenparty am 12.12. ab 18 Uhr im Ratskeller – Einladungen an die Kunden sind raus.',
    kinds: [],
    lang: 'de',
  },
  { text: 'Der Vorstand hat für das neue Design gestimmt, Umsetzung ab KW 14.', kinds: [], lang: 'de' },
  {
    text: 'Auftraggeber und Vertragspartei ist die Evangelische Stiftung Hephata gGmbH, Ansprechpartner über die Zentrale.',
    kinds: [],
    lang: 'de',
  },
  {
    text: 'Rückruf vereinbart: Montag 09:30, Thema Lizenzverlängerung auf 250 Nutzer.',
    kinds: [],
    lang: 'de',
  },
  {
    text: 'Sendungsnummer 00340434161234567890, Paket kommt voraussichtlich Donnerstag.',
    kinds: [],
    lang: 'de',
  },
  {
    text: 'Ausschreibung der AOK Niedersachsen für 400 Arbeitsplätze, Abgabe bis 15.05.',
    kinds: [],
    lang: 'de',
  },

  // ───────────────────────────── French ─────────────────────────────
  {
    text: 'Mme Lefèvre préfère être contactée sur son portable : 06 12 34 56 78, jamais avant 9h.',
    kinds: ['phone'],
    lang: 'fr',
  },
  {
    text: 'Rappeler M. Diallo au +33 1 42 68 53 00 (standard), poste 214 ; virement depuis son compte belge BE71 0961 2345 6769.',
    kinds: ['phone', 'iban'],
    lang: 'fr',
  },
  { text: 'Nouvelle adresse mail du client : j.moreau@atelier-moreau.fr', kinds: ['email'], lang: 'fr' },
  {
    text: 'RIB reçu : FR76 3000 6000 0112 3456 7890 189, titulaire Mme Garnier.',
    kinds: ['iban'],
    lang: 'fr',
  },
  {
    text: 'Règlement par carte Visa 4111 1111 1111 1111, le client a dicté le cryptogramme (à ne pas conserver !).',
    kinds: ['payment_card'],
    lang: 'fr',
  },
  { text: 'N° de sécu pour le dossier RH : 1 85 05 78 006 084 91', kinds: ['national_id'], lang: 'fr' },
  {
    text: 'NIR de la salariée : 2921175115042 42, à saisir dans la paie.',
    kinds: ['national_id'],
    lang: 'fr',
  },
  { text: 'née le 12/09/1987 à Lyon, cliente depuis 2015.', kinds: ['date_of_birth'], lang: 'fr' },
  {
    text: "Date de naissance : 5 janvier 1962 — envoyer une carte d'anniversaire.",
    kinds: ['date_of_birth'],
    lang: 'fr',
  },
  {
    text: 'M. Rousseau est en arrêt maladie suite à un burn-out, reprise prévue en septembre.',
    kinds: ['health'],
    lang: 'fr',
  },
  {
    text: "La cliente est enceinte de 6 mois et souhaite décaler l'installation après l'accouchement.",
    kinds: ['health'],
    lang: 'fr',
  },
  {
    text: 'M. Benali ne mange pas de porc, il est musulman pratiquant : prévoir un buffet adapté.',
    kinds: ['religion'],
    lang: 'fr',
  },
  {
    text: 'Mme Dubois est catholique pratiquante, ne souhaite pas de rendez-vous le dimanche matin.',
    kinds: ['religion'],
    lang: 'fr',
  },
  {
    text: "Le client, d'origine maghrébine, dit avoir subi des remarques racistes chez l'ancien prestataire.",
    kinds: ['ethnicity'],
    lang: 'fr',
  },
  {
    text: "Mme N'Diaye nous a confié être issue de la communauté peule, elle souhaite des documents bilingues.",
    kinds: ['ethnicity'],
    lang: 'fr',
  },
  {
    text: 'M. Girard est encarté au RN et candidat aux municipales, éviter les sujets politiques.',
    kinds: ['politics'],
    lang: 'fr',
  },
  {
    text: "Elle milite à La France insoumise, a parlé de la manif de samedi pendant tout l'appel.",
    kinds: ['politics'],
    lang: 'fr',
  },
  {
    text: 'Délégué syndical CGT chez le client, il veut que le CSE soit consulté avant la signature.',
    kinds: ['union'],
    lang: 'fr',
  },
  {
    text: 'mme petit est syndiquée à la CFDT depuis 20 ans et fait remonter les demandes des agents.',
    kinds: ['union'],
    lang: 'fr',
  },
  {
    text: 'M. Laurent a mentionné son mari lors du rendez-vous ; il est homosexuel et souhaite un contrat au nom du couple.',
    kinds: ['sexual_orientation'],
    lang: 'fr',
  },
  {
    text: 'La cliente est bisexuelle, elle en a parlé en évoquant son engagement dans une association LGBT.',
    kinds: ['sexual_orientation'],
    lang: 'fr',
  },
  {
    text: 'Fiche prospect : Camille Martin, camille.martin@gmail.com, tél. +33 6 98 76 54 32, née le 30/04/1991.',
    kinds: ['email', 'phone', 'date_of_birth'],
    lang: 'fr',
  },
  { text: 'Facture n° 4485 2750 0000 0004 envoyée, relance prévue à J+15.', kinds: [], lang: 'fr' },
  { text: 'Commande 1234 5678 9012 3452 livrée incomplète, il manque deux cartons.', kinds: [], lang: 'fr' },
  { text: 'Livraison prévue le 03/06/2025, 75011 Paris, créneau 14h-16h.', kinds: [], lang: 'fr' },
  {
    text: "Le siège déménage au 8 rue de l'Église, 69003 Lyon, à partir du 1er septembre.",
    kinds: [],
    lang: 'fr',
  },
  {
    text: 'Commande de matériel de labo : burettes Gay-Lussac x 12, prix unitaire 34,90 € HT.',
    kinds: [],
    lang: 'fr',
  },
  { text: 'Réunion le 18 mars à 10h30 pour le lancement, contrat de 2024 à 2027.', kinds: [], lang: 'fr' },
  {
    text: "L'Union européenne impose de nouvelles normes d'étiquetage, le client veut un audit.",
    kinds: [],
    lang: 'fr',
  },
  {
    text: "Le conseil d'administration a voté pour la maquette B, version 1.7 validée.",
    kinds: [],
    lang: 'fr',
  },
  { text: "Soirée d'entreprise (fête de fin d'année) le 20/12, prévoir les goodies.", kinds: [], lang: 'fr' },
  { text: 'Numéro client 5530021, dossier SAV 2024-0871, colis suivi 6A12345678901.', kinds: [], lang: 'fr' },
  {
    text: "Bilan de santé de l'infrastructure : CPU à 85 %, mise à jour 5.2.0 prévue.",
    kinds: [],
    lang: 'fr',
  },
  {
    text: 'Le client fait partie du groupe Bouygues, interlocuteur à la direction des achats.',
    kinds: [],
    lang: 'fr',
  },
  {
    text: "Appel manqué, rappeler après 17h ; le devis de 12 400 € reste valable jusqu'au 31/07.",
    kinds: [],
    lang: 'fr',
  },

  // ───────────────────────────── Spanish ─────────────────────────────
  {
    text: 'Llamar al móvil de la Sra. Ortega: 612 34 56 78, mejor por la tarde.',
    kinds: ['phone'],
    lang: 'es',
  },
  {
    text: 'Cliente italiano, codice fiscale RSSMRA85T10A562S; pagó con Mastercard 2223 0031 2200 3222.',
    kinds: ['national_id', 'payment_card'],
    lang: 'es',
  },
  {
    text: 'Correo nuevo: alvaro.nunez@construcciones-nunez.es (el antiguo rebota).',
    kinds: ['email'],
    lang: 'es',
  },
  {
    text: 'Domiciliar cuotas en ES91 2100 0418 4502 0005 1332, titular Marta Gil.',
    kinds: ['iban'],
    lang: 'es',
  },
  {
    text: 'Pagó con tarjeta 6011 0009 9013 9424, últimos cuatro dígitos confirmados.',
    kinds: ['payment_card'],
    lang: 'es',
  },
  { text: 'DNI del titular: 12345678Z, pendiente de copia escaneada.', kinds: ['national_id'], lang: 'es' },
  { text: 'nie x1234567l, permiso de residencia vigente hasta 2027.', kinds: ['national_id'], lang: 'es' },
  { text: 'Nacido el 23/06/1975 en Sevilla según el contrato.', kinds: ['date_of_birth'], lang: 'es' },
  { text: 'Fecha de nacimiento: 8 de octubre de 1983.', kinds: ['date_of_birth'], lang: 'es' },
  {
    text: 'La clienta está de baja por depresión, su hermana gestiona los pagos mientras tanto.',
    kinds: ['health'],
    lang: 'es',
  },
  {
    text: 'El Sr. Ruiz es celíaco y le operaron del corazón en marzo; evitar viajes largos.',
    kinds: ['health'],
    lang: 'es',
  },
  {
    text: 'La familia Cohen es judía practicante, no agendar nada en sábado.',
    kinds: ['religion'],
    lang: 'es',
  },
  {
    text: 'Comentó que es musulmán converso y que los viernes reza en la mezquita, mejor llamar por la mañana.',
    kinds: ['religion'],
    lang: 'es',
  },
  {
    text: 'La Sra. Heredia es gitana y comentó que la entidad anterior le denegó el préstamo por su origen.',
    kinds: ['ethnicity'],
    lang: 'es',
  },
  {
    text: 'Cliente de origen mapuche, pidió la documentación también en mapudungun.',
    kinds: ['ethnicity'],
    lang: 'es',
  },
  {
    text: 'Es militante del PSOE y concejal en su pueblo; no hablar de política.',
    kinds: ['politics'],
    lang: 'es',
  },
  {
    text: 'Votó a Vox en las últimas elecciones y lo repitió varias veces durante la llamada.',
    kinds: ['politics'],
    lang: 'es',
  },
  {
    text: 'Está afiliado a CCOO y es delegado sindical en la planta de Getafe.',
    kinds: ['union'],
    lang: 'es',
  },
  {
    text: 'La Sra. Prieto es afiliada de UGT, quiere que el sindicato revise el contrato.',
    kinds: ['union'],
    lang: 'es',
  },
  {
    text: 'Juan es homosexual y quiere añadir a su pareja, Carlos, como beneficiario.',
    kinds: ['sexual_orientation'],
    lang: 'es',
  },
  {
    text: 'Nos contó que es lesbiana y que está casada con Elena desde 2019.',
    kinds: ['sexual_orientation'],
    lang: 'es',
  },
  {
    text: 'Alta cliente: Lucía Fernández, lucia.fdez@hotmail.es, tlf +34 699 123 456, DNI 48291736-Q, nacida el 14/02/1990.',
    kinds: ['email', 'phone', 'national_id', 'date_of_birth'],
    lang: 'es',
  },
  {
    text: 'Pedido nº 5018 2937 4410 6659 pendiente de envío, el almacén confirma stock.',
    kinds: [],
    lang: 'es',
  },
  { text: 'Factura 2024/0387 por importe de 1.250,00 €, vence el 15/01/2025.', kinds: [], lang: 'es' },
  { text: 'Entrega prevista el 09/10/2024 en Calle Iglesia 14, 28005 Madrid.', kinds: [], lang: 'es' },
  {
    text: 'El cliente no pudo atender porque estaba viendo el partido del Betis; volver a llamar a las 18:30.',
    kinds: [],
    lang: 'es',
  },
  {
    text: 'La Unión Europea exige nuevos requisitos de facturación electrónica a partir de 2026.',
    kinds: [],
    lang: 'es',
  },
  { text: 'Reunión de arranque el lunes 3 de marzo a las 10:00, contrato 2025-2028.', kinds: [], lang: 'es' },
  {
    text: 'Fiesta de la empresa el viernes: invitar a los clientes clave del sector salud.',
    kinds: [],
    lang: 'es',
  },
  { text: 'Estado de salud del servidor: OK tras actualizar a la versión 4.12.3.', kinds: [], lang: 'es' },
  { text: 'Número de cliente 30045871, referencia de envío ES2024TR99812.', kinds: [], lang: 'es' },
  { text: 'factura 4929876012345677 abonada por transferencia, cerrar incidencia.', kinds: [], lang: 'es' },
  {
    text: 'El comité votó a favor del diseño en verde; la imprenta entrega el 20 de mayo.',
    kinds: [],
    lang: 'es',
  },
  {
    text: 'Código postal 08019, precio por unidad 12,99 €, pedido mínimo 50 unidades.',
    kinds: [],
    lang: 'es',
  },
  {
    text: 'El Hospital San Rafael renueva 40 licencias; contacto vía centralita, sin datos personales.',
    kinds: [],
    lang: 'es',
  },
];
