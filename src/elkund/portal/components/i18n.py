"""The portal's words in Swedish (the default) and English: one plain catalogue, no gettext.

Keys are stable snake_case identifiers; templates ask for ``t("consumption")`` (or
``t("request_from", company=name)``) and get the text in the visitor's language. A missing key is
a programming error and raises ``KeyError``.

Error texts are the ``error_*`` entries. Page modules raise with the Swedish text of a key
(``translate("error_...", "sv")``), so API callers keep getting Swedish; the error page finds the
entry again by the error's code (``error_<code>``) or by that Swedish text, and shows it in the
visitor's language. Errors from the domain carry English details meant for API callers; their
``error_<code>`` entries give the customer a text in Swedish or English instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal, Protocol, TypeGuard

Lang = Literal["sv", "en"]
LANGUAGES: Final[tuple[Lang, ...]] = ("sv", "en")
DEFAULT_LANG: Final[Lang] = "sv"
LANG_COOKIE: Final = "lang"
LANG_PARAM: Final = "lang"
LANG_MAX_AGE: Final = 365 * 24 * 60 * 60
"""How long the ``lang`` cookie keeps the visitor's choice: one year."""

MESSAGES: Final[Mapping[str, Mapping[Lang, str]]] = {
    # Layout (base.html) and navigation
    "my_pages": {"sv": "Mina sidor", "en": "My pages"},
    "overview": {"sv": "Översikt", "en": "Overview"},
    "installation": {"sv": "Anläggning", "en": "Installation"},
    "installations": {"sv": "Anläggningar", "en": "Installations"},
    "consumption": {"sv": "Förbrukning", "en": "Consumption"},
    "download": {"sv": "Ladda ner", "en": "Download"},
    "third_party_access": {"sv": "Tredjepartsåtkomst", "en": "Third-party access"},
    "pending_requests": {"sv": "Begäranden att hantera", "en": "Requests to handle"},
    "active_consents": {
        "sv": "Aktiva tredjepartsmedgivanden",
        "en": "Active third-party consents",
    },
    "inactive_consents": {"sv": "Inaktiva medgivanden", "en": "Inactive consents"},
    "companies_with_access": {"sv": "Företag med åtkomst", "en": "Companies with access"},
    "log": {"sv": "Logg", "en": "Log"},
    "my_account": {"sv": "Mitt konto", "en": "My account"},
    "switch_customer": {"sv": "Byt kund", "en": "Switch customer"},
    "skip_to_content": {"sv": "Hoppa till innehållet", "en": "Skip to content"},
    "language_switch": {"sv": "In English", "en": "På svenska"},
    "development_banner": {
        "sv": "Utvecklingsläge – test-e-legitimation",
        "en": "Development mode – test e-ID",
    },
    "shortcuts": {"sv": "Genvägar", "en": "Shortcuts"},
    "to_my_pages": {"sv": "Till Mina sidor", "en": "To My pages"},
    "to_overview": {"sv": "Till översikten", "en": "To the overview"},
    "back_to_overview": {"sv": "Tillbaka till översikten", "en": "Back to the overview"},
    "back": {"sv": "Tillbaka", "en": "Back"},
    # Actions
    "approve": {"sv": "Godkänn", "en": "Approve"},
    "reject": {"sv": "Neka", "en": "Reject"},
    "terminate": {"sv": "Avsluta", "en": "End"},
    "confirm": {"sv": "Bekräfta", "en": "Confirm"},
    "cancel": {"sv": "Avbryt", "en": "Cancel"},
    "sign_in": {"sv": "Logga in", "en": "Sign in"},
    "sign_out": {"sv": "Logga ut", "en": "Sign out"},
    "show": {"sv": "Visa", "en": "Show"},
    "remove": {"sv": "Ta bort", "en": "Remove"},
    "download_csv": {"sv": "Ladda ner CSV", "en": "Download CSV"},
    "download_xlsx": {"sv": "Ladda ner Excel", "en": "Download Excel"},
    # Front page (front.html)
    "front_intro": {
        "sv": "Här ser du dina mätvärden och bestämmer vilka energitjänsteföretag som får ta "
        "del av dem.",
        "en": "Here you see your meter values and decide which energy service companies may "
        "have them.",
    },
    "front_api_docs": {
        "sv": "API-dokumentation för energitjänsteföretag",
        "en": "API documentation for energy service companies",
    },
    "front_status": {"sv": "Driftstatus", "en": "Service status"},
    # Signing in (auth/*.html)
    "sign_in_heading": {"sv": "Logga in på Mina sidor", "en": "Sign in to My pages"},
    "signed_out": {"sv": "Du är utloggad.", "en": "You are signed out."},
    "private_person": {"sv": "Privatperson", "en": "Private person"},
    "sign_in_e_id": {"sv": "Logga in med e-legitimation", "en": "Sign in with e-ID"},
    "e_id_hint": {
        "sv": "Du legitimerar dig med BankID eller en annan e-legitimation.",
        "en": "You identify yourself with BankID or another e-ID.",
    },
    "sign_in_test_e_id": {
        "sv": "Logga in med test-e-legitimation",
        "en": "Sign in with test e-ID",
    },
    "company": {"sv": "Företag", "en": "Company"},
    "sign_in_password": {
        "sv": "Logga in med användarnamn och lösenord",
        "en": "Sign in with username and password",
    },
    "sign_in_company": {"sv": "Logga in som företag", "en": "Sign in as a company"},
    "wrong_credentials": {
        "sv": "Fel användarnamn eller lösenord.",
        "en": "Wrong username or password.",
    },
    "username": {"sv": "Användarnamn", "en": "Username"},
    "password": {"sv": "Lösenord", "en": "Password"},
    "back_to_sign_in": {"sv": "Tillbaka till inloggningen", "en": "Back to signing in"},
    "to_sign_in": {"sv": "Till inloggningen", "en": "To signing in"},
    "test_e_id": {"sv": "Test-e-legitimation", "en": "Test e-ID"},
    "test_e_id_intro": {
        "sv": "Finns bara i utvecklingsläge. Välj en demoperson att logga in som.",
        "en": "Only in development mode. Choose a demo person to sign in as.",
    },
    "demo_persons": {"sv": "Demopersoner", "en": "Demo persons"},
    "no_demo_persons": {
        "sv": "Det finns inga privatkunder.",
        "en": "There are no private customers.",
    },
    "load_demo_data": {"sv": "Ladda demodata med", "en": "Load demo data with"},
    # Översikt and Anläggning (pages/*.html)
    "your_installations": {"sv": "Dina anläggningar", "en": "Your installations"},
    "installation_id": {"sv": "Anläggnings-ID", "en": "Installation ID"},
    "installation_named": {"sv": "Anläggning {gsrn}", "en": "Installation {gsrn}"},
    "address": {"sv": "Adress", "en": "Address"},
    "municipality": {"sv": "Kommun", "en": "Municipality"},
    "grid_area": {"sv": "Nätområde", "en": "Grid area"},
    "bidding_zone": {"sv": "Elområde", "en": "Bidding zone"},
    "supplier": {"sv": "Elleverantör", "en": "Electricity supplier"},
    "production": {"sv": "produktion", "en": "production"},
    "no_installations": {
        "sv": "Du har inga anläggningar just nu.",
        "en": "You have no installations at the moment.",
    },
    "meter": {"sv": "Mätare", "en": "Meter"},
    "remote_read": {"sv": "Fjärravläst", "en": "Read remotely"},
    "read_manually": {"sv": "Avläses manuellt", "en": "Read manually"},
    "quarter_hour_values": {"sv": "kvartsvärden", "en": "quarter-hour values"},
    "hourly_values": {"sv": "timvärden", "en": "hourly values"},
    "main_fuse": {"sv": "Huvudsäkring", "en": "Main fuse"},
    "download_meter_values": {"sv": "Ladda ner mätvärden", "en": "Download meter values"},
    "your_grid_agreement": {"sv": "Ditt elnätsavtal", "en": "Your grid agreement"},
    "tariff": {"sv": "Tariff", "en": "Tariff"},
    "fixed_fee": {"sv": "Fast avgift", "en": "Fixed fee"},
    "fee_per_year": {"sv": "{amount} kr/år", "en": "SEK {amount} per year"},
    "transfer_fee": {"sv": "Överföringsavgift", "en": "Transfer fee"},
    "fee_ore_per_kwh": {"sv": "{amount} öre/kWh", "en": "{amount} öre per kWh"},
    "power_fee": {"sv": "Effektavgift", "en": "Power fee"},
    "fee_per_kw_month": {
        "sv": "{amount} kr/kW och månad",
        "en": "SEK {amount} per kW and month",
    },
    "terms": {"sv": "Villkor", "en": "Terms"},
    "agreement_terms": {"sv": "Avtalsvillkor", "en": "Terms of the agreement"},
    # Tredjepartsåtkomst (tpa/*.html)
    "tpa_intro": {
        "sv": "Här bestämmer du vilka energitjänsteföretag som får ta del av dina mätvärden. "
        "Det kostar dig ingenting.",
        "en": "Here you decide which energy service companies may have your meter values. "
        "It costs you nothing.",
    },
    "purpose": {"sv": "Syfte", "en": "Purpose"},
    "data": {"sv": "Data", "en": "Data"},
    "history_from": {"sv": "Historik från", "en": "History from"},
    "valid_until": {"sv": "Giltig till", "en": "Valid until"},
    "review_and_answer": {"sv": "Granska och svara", "en": "Review and answer"},
    "no_pending": {
        "sv": "Inga begäranden väntar på svar.",
        "en": "No requests are waiting for an answer.",
    },
    "valid": {"sv": "Giltigt", "en": "Valid"},
    "action": {"sv": "Åtgärd", "en": "Action"},
    "no_active": {"sv": "Inga aktiva medgivanden.", "en": "No active consents."},
    "status": {"sv": "Status", "en": "Status"},
    "date": {"sv": "Datum", "en": "Date"},
    "no_inactive": {"sv": "Inga inaktiva medgivanden.", "en": "No inactive consents."},
    "no_companies": {
        "sv": "Inget företag har åtkomst till dina mätvärden just nu.",
        "en": "No company has access to your meter values at the moment.",
    },
    "log_intro": {
        "sv": "Varje gång dina mätvärden har delats med ett företag.",
        "en": "Every time your meter values were shared with a company.",
    },
    "download_as_csv": {"sv": "Ladda ner som CSV", "en": "Download as CSV"},
    "when": {"sv": "När", "en": "When"},
    "value_count": {"sv": "Antal värden", "en": "Number of values"},
    "no_log": {
        "sv": "Dina mätvärden har inte delats med något företag.",
        "en": "Your meter values have not been shared with any company.",
    },
    "request_from": {"sv": "Begäran från {company}", "en": "Request from {company}"},
    "org_number": {"sv": "Organisationsnummer", "en": "Organisation number"},
    "valid_until_hint": {
        "sv": "Giltig till (du kan korta tiden)",
        "en": "Valid until (you may shorten it)",
    },
    "resolution_hint": {
        "sv": "Upplösning (du kan välja en grövre)",
        "en": "Resolution (you may choose a coarser one)",
    },
    "end_consent": {"sv": "Avsluta medgivande", "en": "End consent"},
    "end_consent_question": {
        "sv": "Avsluta medgivandet för {company}?",
        "en": "End the consent for {company}?",
    },
    "end_consent_effect": {
        "sv": "{company} får då inga fler mätvärden för anläggning {gsrn}. "
        "Företaget meddelas direkt.",
        "en": "{company} will then get no more meter values of installation {gsrn}. "
        "The company is told at once.",
    },
    "notice_approved": {
        "sv": "Du har godkänt begäran. Företaget har meddelats.",
        "en": "You have approved the request. The company has been told.",
    },
    "notice_rejected": {
        "sv": "Du har nekat begäran. Företaget har meddelats.",
        "en": "You have rejected the request. The company has been told.",
    },
    "notice_ended": {
        "sv": "Medgivandet är avslutat. Företaget har meddelats och får inga fler mätvärden.",
        "en": "The consent has ended. The company has been told and gets no more meter values.",
    },
    "data_consumption": {"sv": "förbrukning", "en": "consumption"},
    "basis_supplier": {"sv": "din elleverantör", "en": "your electricity supplier"},
    "data_production": {"sv": "produktion", "en": "production"},
    "status_terminated_by_customer": {"sv": "Avslutat av dig", "en": "Ended by you"},
    "status_withdrawn_by_esco": {
        "sv": "Återkallat av företaget",
        "en": "Withdrawn by the company",
    },
    "status_expired": {"sv": "Giltighetstiden har gått ut", "en": "Expired"},
    "status_ended_by_grid_company": {
        "sv": "Avslutat av elnätsföretaget",
        "en": "Ended by the grid company",
    },
    "status_rejected": {"sv": "Nekad av dig", "en": "Rejected by you"},
    # Mitt konto and Byt kund (account/*.html)
    "company_users": {
        "sv": "Användare som kan företräda företaget",
        "en": "Users who may act for the company",
    },
    "person_number": {"sv": "Personnummer", "en": "Personal identity number"},
    "name": {"sv": "Namn", "en": "Name"},
    "remove_user": {"sv": "Ta bort användaren {name}", "en": "Remove the user {name}"},
    "no_users": {"sv": "Företaget har inga användare ännu.", "en": "The company has no users yet."},
    "new_user": {"sv": "Skapa ny användare", "en": "Create a new user"},
    "new_user_hint": {
        "sv": "Personen loggar in med e-legitimation och kan sedan företräda företaget.",
        "en": "The person signs in with e-ID and may then act for the company.",
    },
    "person_number_format": {
        "sv": "Personnummer (ÅÅÅÅMMDD-NNNN)",
        "en": "Personal identity number (YYYYMMDD-NNNN)",
    },
    "name_optional": {"sv": "Namn (valfritt)", "en": "Name (optional)"},
    "create_user": {"sv": "Skapa användare", "en": "Create user"},
    "notice_user_added": {"sv": "Användaren är tillagd.", "en": "The user has been added."},
    "notice_user_removed": {"sv": "Användaren är borttagen.", "en": "The user has been removed."},
    "choose_customer": {"sv": "Välj vem du företräder", "en": "Choose whom you act for"},
    "company_mark": {"sv": "företag", "en": "company"},
    "acting_now": {"sv": "du företräder nu", "en": "you are acting for this customer"},
    # Förbrukning and Ladda ner (consumption/*.html)
    "consumption_of": {"sv": "Förbrukning för anläggning", "en": "Consumption of installation"},
    "download_of": {
        "sv": "Ladda ner mätvärden för anläggning",
        "en": "Download meter values of installation",
    },
    "choose_period": {"sv": "Välj period och upplösning", "en": "Choose period and resolution"},
    "dates_hint": {
        "sv": "Ange datum som ÅÅÅÅ-MM-DD. Båda dagarna ingår.",
        "en": "Enter dates as YYYY-MM-DD. Both days are included.",
    },
    "file_format": {"sv": "Filformat", "en": "File format"},
    "csv_name": {"sv": "CSV (semikolonseparerad)", "en": "CSV (comma-separated)"},
    "xlsx_name": {"sv": "Excel (.xlsx)", "en": "Excel (.xlsx)"},
    "free_note": {
        "sv": "Det är kostnadsfritt att ladda ner dina mätvärden.",
        "en": "Downloading your meter values is free of charge.",
    },
    "table_caption": {
        "sv": "Förbrukning i kWh per period, med samma period förra året",
        "en": "Consumption in kWh per period, with the same period last year",
    },
    "see_table": {"sv": "Siffrorna finns i tabellen", "en": "The numbers are in the table"},
    "last_year_quality": {"sv": "Kvalitet förra året", "en": "Quality last year"},
    "choice_heading": {"sv": "Det gick inte att visa perioden", "en": "The period cannot be shown"},
    # Refused choices of period, resolution and format (consumption.ChoiceError)
    "choice_bad_resolution": {
        "sv": "Okänd upplösning. Välj en av de upplösningar som finns i listan.",
        "en": "Unknown resolution. Choose one of the resolutions in the list.",
    },
    "choice_bad_date": {
        "sv": "”{value}” är inget giltigt datum. Skriv datumet som ÅÅÅÅ-MM-DD.",
        "en": "“{value}” is not a valid date. Write the date as YYYY-MM-DD.",
    },
    "choice_reversed": {
        "sv": "Slutdatumet måste vara samma dag som startdatumet eller senare.",
        "en": "The end date must be the start date or later.",
    },
    "choice_too_early": {
        "sv": "Mätvärden finns att visa från och med {earliest}.",
        "en": "Meter values can be shown from {earliest}.",
    },
    "choice_future": {
        "sv": "Perioden kan inte börja i framtiden.",
        "en": "The period cannot start in the future.",
    },
    "choice_too_long": {
        "sv": "Perioden är för lång för upplösningen {resolution}: välj högst {days} dagar, "
        "eller en grövre upplösning.",
        "en": "The period is too long for the resolution {resolution}: choose at most {days} "
        "days, or a coarser resolution.",
    },
    "choice_too_fine": {
        "sv": "Mätaren på den här anläggningen ger timvärden, inte kvartsvärden. "
        "Välj timme eller en grövre upplösning.",
        "en": "The meter of this installation gives hourly values, not quarter-hour values. "
        "Choose hour or a coarser resolution.",
    },
    "choice_bad_format": {
        "sv": "Okänt filformat. Välj CSV eller Excel.",
        "en": "Unknown file format. Choose CSV or Excel.",
    },
    # Aggregate quality of a bucket (metering.domain.AggregateQuality)
    "quality_complete": {"sv": "komplett", "en": "complete"},
    "quality_contains_estimated": {
        "sv": "innehåller uppskattade värden",
        "en": "contains estimated values",
    },
    "quality_missing": {"sv": "saknas", "en": "missing"},
    # Quality of one stored value (metering.domain.Quality)
    "value_measured": {"sv": "uppmätt", "en": "measured"},
    "value_estimated": {"sv": "uppskattat", "en": "estimated"},
    "value_missing": {"sv": "saknas", "en": "missing"},
    # Resolutions (metering.domain.Resolution)
    "resolution_PT15M": {"sv": "kvart", "en": "quarter-hour"},
    "resolution_PT1H": {"sv": "timme", "en": "hour"},
    "resolution_P1D": {"sv": "dag", "en": "day"},
    "resolution_P1W": {"sv": "vecka", "en": "week"},
    "resolution_P1M": {"sv": "månad", "en": "month"},
    "resolution_P1Y": {"sv": "år", "en": "year"},
    "per_resolution_PT15M": {"sv": "per kvart", "en": "per quarter-hour"},
    "per_resolution_PT1H": {"sv": "per timme", "en": "per hour"},
    "per_resolution_P1D": {"sv": "per dag", "en": "per day"},
    "per_resolution_P1W": {"sv": "per vecka", "en": "per week"},
    "per_resolution_P1M": {"sv": "per månad", "en": "per month"},
    "per_resolution_P1Y": {"sv": "per år", "en": "per year"},
    "week_label": {"sv": "vecka", "en": "week"},
    "week_short": {"sv": "v.", "en": "wk"},
    # Consumption chart and table
    "period": {"sv": "Period", "en": "Period"},
    "from": {"sv": "Från", "en": "From"},
    "to": {"sv": "Till", "en": "To"},
    "quality": {"sv": "Kvalitet", "en": "Quality"},
    "utc_offset": {"sv": "UTC-förskjutning", "en": "UTC offset"},
    "resolution": {"sv": "Upplösning", "en": "Resolution"},
    "kwh": {"sv": "kWh", "en": "kWh"},
    "energy_kwh": {"sv": "Energi (kWh)", "en": "Energy (kWh)"},
    "this_period": {"sv": "Vald period", "en": "Selected period"},
    "same_period_last_year": {"sv": "Samma period förra året", "en": "Same period last year"},
    "last_year_kwh": {"sv": "Förra året (kWh)", "en": "Last year (kWh)"},
    "change": {"sv": "Förändring", "en": "Change"},
    "total": {"sv": "Totalt", "en": "Total"},
    "consumption_chart": {"sv": "Diagram över förbrukning", "en": "Consumption chart"},
    "meter_values": {"sv": "Mätvärden", "en": "Meter values"},
    "no_values": {"sv": "Inga värden för perioden", "en": "No values for the period"},
    "chart_summary_estimated": {
        "sv": "{count} av {total} staplar innehåller uppskattade värden.",
        "en": "{count} of {total} bars contain estimated values.",
    },
    "chart_summary_missing": {
        "sv": "{count} av {total} staplar saknar värden helt eller delvis.",
        "en": "{count} of {total} bars lack some or all values.",
    },
    # Error pages: titles by HTTP status (portal.errors) and by sign-in error (auth.errors)
    "error_title_403": {"sv": "Det här får du inte göra", "en": "You may not do this"},
    "error_title_404": {"sv": "Vi hittar inte det du söker", "en": "We cannot find what you seek"},
    "error_title_409": {"sv": "Det gick inte just nu", "en": "That did not work just now"},
    "error_title_422": {"sv": "Det gick inte", "en": "That did not work"},
    "error_title_other": {"sv": "Något gick fel", "en": "Something went wrong"},
    "error_title_sign_in_failed": {"sv": "Inloggningen misslyckades", "en": "Signing in failed"},
    "error_title_csrf": {
        "sv": "Formuläret kunde inte skickas",
        "en": "The form could not be sent",
    },
    "error_title_unknown_person": {
        "sv": "Vi hittar ingen kund med ditt personnummer",
        "en": "We find no customer with your personal identity number",
    },
    "error_title_oidc_not_configured": {
        "sv": "Inloggning med e-legitimation är inte tillgänglig",
        "en": "Signing in with e-ID is not available",
    },
    "error_title_too_many_attempts": {
        "sv": "För många inloggningsförsök",
        "en": "Too many attempts to sign in",
    },
    "error_title_forbidden": {"sv": "Du har inte behörighet", "en": "You are not allowed"},
    # Error texts: by the error's code (error_<code>) or found by their Swedish wording
    "error_csrf_failed": {
        "sv": "Formuläret hade fel eller saknad säkerhetskod. Ladda om sidan.",
        "en": "The form had a wrong or missing security code. Reload the page.",
    },
    "error_oidc_not_configured": {
        "sv": "Inloggning med e-legitimation är inte konfigurerad ännu.",
        "en": "Signing in with e-ID is not set up yet.",
    },
    "error_oidc_unverified": {
        "sv": "Inloggningen gick inte att verifiera. Börja om från inloggningssidan.",
        "en": "The sign-in could not be verified. Start again from the sign-in page.",
    },
    "error_oidc_cancelled": {
        "sv": "Inloggningen med e-legitimation avbröts.",
        "en": "Signing in with e-ID was cancelled.",
    },
    "error_oidc_incomplete": {
        "sv": "Inloggningen med e-legitimation kunde inte slutföras. Försök igen.",
        "en": "Signing in with e-ID could not be completed. Try again.",
    },
    "error_oidc_no_person_number": {
        "sv": "E-legitimationen gav inget personnummer.",
        "en": "The e-ID gave no personal identity number.",
    },
    "error_oidc_invalid_person_number": {
        "sv": "E-legitimationen gav ett ogiltigt personnummer.",
        "en": "The e-ID gave an invalid personal identity number.",
    },
    "error_unknown_person": {
        "sv": "Vi hittar ingen kund med ditt personnummer.",
        "en": "We find no customer with your personal identity number.",
    },
    "error_too_many_attempts": {
        "sv": "För många misslyckade försök. Vänta en stund och försök igen.",
        "en": "Too many failed attempts. Wait a while and try again.",
    },
    "error_no_longer_acting_for": {
        "sv": "Du kan inte längre företräda den här kunden.",
        "en": "You can no longer act for this customer.",
    },
    "error_cannot_act_for": {
        "sv": "Du kan inte företräda den kunden.",
        "en": "You cannot act for that customer.",
    },
    "error_users_managed_by_company": {
        "sv": "Användare hanteras av företaget. Logga in med företagets användarnamn och lösenord.",
        "en": "Users are managed by the company. Sign in with the company's username and password.",
    },
    "error_unknown_installation": {
        "sv": "Ingen sådan anläggning hos dig.",
        "en": "You have no such installation.",
    },
    "error_request_not_found": {
        "sv": "Ingen sådan begäran till dig.",
        "en": "There is no such request to you.",
    },
    "error_consent_not_found": {
        "sv": "Inget sådant medgivande från dig.",
        "en": "There is no such consent of yours.",
    },
    "error_request_not_pending": {
        "sv": "Begäran gäller inte längre och kan inte godkännas.",
        "en": "The request no longer stands and cannot be approved.",
    },
    "error_consent_not_active": {
        "sv": "Medgivandet är redan avslutat.",
        "en": "The consent has already ended.",
    },
    "error_esco_suspended": {
        "sv": "Företaget som frågar är avstängt: begäran kan inte godkännas.",
        "en": "The company that asked is suspended: the request cannot be approved.",
    },
    "error_not_narrower": {
        "sv": "Du kan korta tiden och välja en grövre upplösning, men inte utöka medgivandet. "
        "Det måste gälla längre än i dag.",
        "en": "You may shorten the time and choose a coarser resolution, but not widen the "
        "consent. It must last past today.",
    },
    "error_invalid_identity_number": {
        "sv": "Personnumret är inte giltigt. Skriv det som ÅÅÅÅMMDD-NNNN.",
        "en": "The personal identity number is not valid. Write it as YYYYMMDD-NNNN.",
    },
    "error_authorised_user_exists": {
        "sv": "Personen är redan användare för företaget.",
        "en": "The person is already a user of the company.",
    },
    "error_unknown_authorised_user": {
        "sv": "Ingen sådan användare hos företaget.",
        "en": "The company has no such user.",
    },
    "error_not_a_business": {
        "sv": "Bara ett företag har användare.",
        "en": "Only a company has users.",
    },
}

_ERROR_PREFIX: Final = "error_"
_ERROR_KEYS_BY_SWEDISH: Final = {
    words["sv"]: key for key, words in MESSAGES.items() if key.startswith(_ERROR_PREFIX)
}


def is_lang(value: object) -> TypeGuard[Lang]:
    return value in LANGUAGES


def other_language(lang: Lang) -> Lang:
    """The language the toggle offers: English on a Swedish page, Swedish on an English one."""
    return "en" if lang == "sv" else "sv"


def translate(key: str, lang: Lang, **params: object) -> str:
    """The text of ``key`` in ``lang``, with ``{name}`` placeholders filled from ``params``.

    Raises ``KeyError`` for an unknown key. Without params the text is returned as it stands.
    """
    text = MESSAGES[key][lang]
    return text.format(**params) if params else text


def error_text(detail: str, lang: Lang, *, code: str | None = None) -> str:
    """What an error page shows: the entry ``error_<code>``, else the entry whose Swedish text is
    ``detail``, in ``lang``; a detail the catalogue does not know is shown as it came."""
    key = f"{_ERROR_PREFIX}{code}" if code else None
    if key not in MESSAGES:
        key = _ERROR_KEYS_BY_SWEDISH.get(detail)
    return translate(key, lang) if key else detail


class LanguageSource(Protocol):
    """What ``language_of`` needs from a request (a Starlette ``Request`` fits)."""

    @property
    def query_params(self) -> Mapping[str, str]: ...

    @property
    def cookies(self) -> Mapping[str, str]: ...


def chosen_language(request: LanguageSource) -> Lang | None:
    """The language asked for by ``?lang=`` on this request, if it is one the portal has."""
    candidate = request.query_params.get(LANG_PARAM)
    return candidate if is_lang(candidate) else None


def language_of(request: LanguageSource) -> Lang:
    """``?lang=`` wins over the ``lang`` cookie; anything unknown falls back to Swedish."""
    for candidate in (request.query_params.get(LANG_PARAM), request.cookies.get(LANG_COOKIE)):
        if is_lang(candidate):
            return candidate
    return DEFAULT_LANG
