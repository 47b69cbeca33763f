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
    # Fakturor, Förklara min faktura, Elens ursprung, Förbrukningsbesked (invoices/*.html)
    "invoices": {"sv": "Fakturor", "en": "Invoices"},
    "electricity_origin": {"sv": "Elens ursprung", "en": "Origin of your electricity"},
    "invoices_intro": {
        "sv": "Här finns dina fakturor och kreditfakturor från din elleverantör. Du kan ladda ner "
        "dem som PDF och få varje del förklarad. Företag kan också ladda ner dem som e-faktura "
        "(XML, Peppol BIS Billing 3.0).",
        "en": "Here are your invoices and credit notes from your electricity supplier. You can "
        "download them as PDF and have every part explained. Companies can also download them as "
        "e-invoices (XML, Peppol BIS Billing 3.0).",
    },
    "invoices_and_credit_notes": {
        "sv": "Fakturor och kreditfakturor",
        "en": "Invoices and credit notes",
    },
    "invoice_number": {"sv": "Fakturanummer", "en": "Invoice number"},
    "due_date": {"sv": "Förfallodag", "en": "Due date"},
    "issue_date": {"sv": "Fakturadatum", "en": "Invoice date"},
    "amount": {"sv": "Belopp", "en": "Amount"},
    "files": {"sv": "Filer och förklaring", "en": "Files and explanation"},
    "credit_note": {"sv": "Kreditfaktura", "en": "Credit note"},
    "credits_invoice": {"sv": "krediterar {number}", "en": "credits {number}"},
    "invoice_status_issued": {"sv": "Utställd", "en": "Issued"},
    "invoice_status_credited": {"sv": "Krediterad", "en": "Credited"},
    "pdf": {"sv": "PDF", "en": "PDF"},
    "xml_e_invoice": {"sv": "XML (e-faktura)", "en": "XML (e-invoice)"},
    "explain": {"sv": "Förklara", "en": "Explain"},
    "no_invoices": {"sv": "Du har inga fakturor ännu.", "en": "You have no invoices yet."},
    "invoices_free": {
        "sv": "Det kostar ingenting att ladda ner fakturor och förbrukningsbesked.",
        "en": "Downloading invoices and consumption statements is free of charge.",
    },
    "statements": {"sv": "Förbrukningsbesked per månad", "en": "Monthly consumption statements"},
    "statements_intro": {
        "sv": "Du faktureras mer sällan än varje månad. Därför får du här varje månads faktiska "
        "förbrukning som ett förbrukningsbesked (PDF).",
        "en": "You are invoiced less often than every month, so here you get each month's actual "
        "consumption as a consumption statement (PDF).",
    },
    "statement_link": {
        "sv": "Förbrukningsbesked {month}, anläggning {gsrn}",
        "en": "Consumption statement {month}, installation {gsrn}",
    },
    "statement_title": {"sv": "Förbrukningsbesked", "en": "Consumption statement"},
    "statement_total": {"sv": "Förbrukning totalt", "en": "Total consumption"},
    "statement_pdf_intro": {
        "sv": "Din faktiska elförbrukning dag för dag under månaden, enligt mätvärdena från din "
        "elmätare. Du faktureras mer sällan än varje månad; beskedet visar förbrukningen under "
        "tiden.",
        "en": "Your actual electricity consumption day by day during the month, from your "
        "meter's values. You are invoiced less often than monthly; this statement shows your "
        "consumption in between.",
    },
    "statement_free": {
        "sv": "Förbrukningsbeskedet är kostnadsfritt. Fler mätvärden finns under Förbrukning på "
        "Mina sidor.",
        "en": "The consumption statement is free of charge. More meter values are under "
        "Consumption on My pages.",
    },
    "customer": {"sv": "Kund", "en": "Customer"},
    "explain_heading": {
        "sv": "Förklaring av faktura {number}",
        "en": "Explanation of invoice {number}",
    },
    "explain_credit_heading": {
        "sv": "Förklaring av kreditfaktura {number}",
        "en": "Explanation of credit note {number}",
    },
    "explain_intro": {
        "sv": "Här förklarar vi fakturan del för del: vad du ska betala och när, vilken period och "
        "förbrukning den gäller, ditt elavtal och vad varje rad betyder. Fakturan kommer från "
        "{supplier}.",
        "en": "Here we explain the invoice part by part: what you pay and when, which period and "
        "consumption it covers, your contract and what every line means. The invoice is from "
        "{supplier}.",
    },
    "explain_swedish_note": {
        "sv": "Förklaringarna av raderna kommer från fakturan och är på svenska.",
        "en": "The explanations of the invoice lines come from the invoice itself and are in "
        "Swedish.",
    },
    "explain_to_pay_heading": {"sv": "Att betala", "en": "To pay"},
    "explain_credit_summary_heading": {"sv": "Kreditfakturan", "en": "The credit note"},
    "ocr_number": {"sv": "OCR-nummer", "en": "OCR reference"},
    "bankgiro": {"sv": "Bankgiro", "en": "Bankgiro"},
    "amount_to_pay": {"sv": "Att betala", "en": "Amount to pay"},
    "amount_credited": {"sv": "Krediterat belopp", "en": "Amount credited"},
    "explain_pay": {
        "sv": "Betala {total} senast {due} till bankgiro {bankgiro}. Ange OCR-numret {ocr} som "
        "meddelande, så hamnar betalningen på rätt faktura.",
        "en": "Pay {total} by {due} to bankgiro {bankgiro}. Give the OCR reference {ocr} with the "
        "payment, so that it is matched to this invoice.",
    },
    "explain_credit": {
        "sv": "Den här kreditfakturan tar bort faktura {number} helt. Beloppen är negativa "
        "eftersom de dras av från den fakturan. Faktura {number} ska inte betalas; en ny faktura "
        "för perioden ersätter den.",
        "en": "This credit note cancels invoice {number} in full. Its amounts are negative "
        "because they are taken off that invoice. Invoice {number} is not to be paid; a new "
        "invoice for the period replaces it.",
    },
    "explain_credited": {
        "sv": "Den här fakturan är krediterad: en kreditfaktura har tagit bort den och en ny "
        "faktura har ersatt den. Du ska inte betala den här fakturan.",
        "en": "This invoice has been credited: a credit note has cancelled it and a new invoice "
        "has replaced it. You do not pay this invoice.",
    },
    "explain_period_heading": {"sv": "Period och förbrukning", "en": "Period and consumption"},
    "explain_period": {
        "sv": "Fakturan gäller el som du har använt från och med {start} till och med {end} i "
        "anläggningen med anläggnings-ID {gsrn} (elområde {zone}).",
        "en": "The invoice is for electricity you used from {start} up to and including {end} at "
        "the installation with ID {gsrn} (bidding zone {zone}).",
    },
    "explain_kwh_actual": {
        "sv": "Den bygger på {kwh} som din elmätare har mätt under perioden. Mätvärdena kommer "
        "från elnätsföretaget; du ser dem dag för dag under Förbrukning för din anläggning.",
        "en": "It rests on {kwh} that your meter measured during the period. The meter values "
        "come from the grid company; you see them day by day under Consumption for your "
        "installation.",
    },
    "explain_kwh_estimated": {
        "sv": "Den bygger på {kwh}, delvis uppskattat eftersom mätvärden saknades för en del av "
        "perioden. Rättas mätvärdena senare får du en kreditfaktura och en ny faktura.",
        "en": "It rests on {kwh}, partly estimated because meter values were missing for part of "
        "the period. If the values are corrected later, you get a credit note and a new invoice.",
    },
    "explain_contract_heading": {"sv": "Ditt elavtal", "en": "Your contract"},
    "contract": {"sv": "Avtal", "en": "Contract"},
    "until_further_notice": {"sv": "tills vidare", "en": "until further notice"},
    "contract_kind_fixed": {
        "sv": "Du har fast pris: elpriset per kilowattimme är detsamma under hela avtalstiden, "
        "oavsett när du använder elen.",
        "en": "You have a fixed price: the price per kilowatt hour stays the same for the whole "
        "term, whenever you use the electricity.",
    },
    "contract_kind_variable": {
        "sv": "Du har rörligt pris: elpriset följer månadens genomsnittliga pris på elbörsen i "
        "ditt elområde, viktat efter när du använder elen, plus leverantörens påslag.",
        "en": "You have a variable price: it follows the month's average price on the power "
        "exchange in your bidding zone, weighted by when you use electricity, plus the "
        "supplier's markup.",
    },
    "contract_kind_dynamic": {
        "sv": "Du har timpris (dynamiskt elpris): du betalar elbörsens pris för varje timme eller "
        "kvart som du använder el, plus leverantörens påslag.",
        "en": "You have a dynamic price: you pay the power exchange's price for every hour or "
        "quarter-hour in which you use electricity, plus the supplier's markup.",
    },
    "contract_kind_default": {
        "sv": "Du har ett anvisat avtal: det avtal du får när du inte själv har valt "
        "elleverantör. Priset är rörligt. Du kan när som helst välja ett annat avtal, hos samma "
        "eller en annan elleverantör.",
        "en": "You have a default contract (anvisat avtal): the contract you get when you have "
        "not chosen a supplier yourself. Its price is variable. You may choose another contract "
        "at any time, with the same or another supplier.",
    },
    "explain_terms_where": {
        "sv": "Alla villkor för avtalet finns på länken ovan.",
        "en": "All terms of the contract are at the link above.",
    },
    "termination_free": {
        "sv": "Det kostar ingenting att säga upp avtalet.",
        "en": "Terminating the contract costs nothing.",
    },
    "termination_not_free": {
        "sv": "Att säga upp avtalet i förtid kan kosta en avgift, se villkoren.",
        "en": "Terminating the contract early may cost a fee; see the terms.",
    },
    "explain_lines_heading": {"sv": "Raderna på fakturan", "en": "The lines of the invoice"},
    "explain_lines_intro": {
        "sv": "Varje rad är antal gånger pris. Alla priser på raderna är utan moms.",
        "en": "Every line is a quantity times a price. All prices on the lines exclude VAT.",
    },
    "explain_line_sum": {
        "sv": "{quantity} {unit} × {price} = {amount} utan moms.",
        "en": "{quantity} {unit} × {price} = {amount} excluding VAT.",
    },
    "unit_month": {"sv": "mån", "en": "month"},
    "explain_vat_heading": {"sv": "Moms och öresavrundning", "en": "VAT and rounding"},
    "explain_sum_caption": {"sv": "Från rader till slutbelopp", "en": "From lines to total"},
    "sum_excl_vat": {"sv": "Summa utan moms", "en": "Sum excluding VAT"},
    "vat_rate": {"sv": "Moms {rate}", "en": "VAT {rate}"},
    "sum_incl_vat": {"sv": "Summa med moms", "en": "Sum including VAT"},
    "rounding": {"sv": "Öresavrundning", "en": "Rounding to whole kronor"},
    "explain_net": {
        "sv": "Summa utan moms är raderna ovan lagda ihop.",
        "en": "The sum excluding VAT is the lines above added up.",
    },
    "explain_vat": {
        "sv": "Moms är {rate} av summan utan moms: {rate} av {net} är {vat}, avrundat till hela "
        "ören.",
        "en": "VAT is {rate} of the sum excluding VAT: {rate} of {net} is {vat}, rounded to the "
        "öre.",
    },
    "explain_rounding": {
        "sv": "Slutbeloppet avrundas till hela kronor (öresavrundning): {gross} blir {total}. "
        "Skillnaden, {rounding}, är öresavrundningen.",
        "en": "The total is rounded to whole kronor (öresavrundning): {gross} becomes {total}. "
        "The difference, {rounding}, is the rounding.",
    },
    "explain_no_rounding": {
        "sv": "Summan med moms var redan ett helt antal kronor, så ingen öresavrundning behövdes.",
        "en": "The sum including VAT was already whole kronor, so no rounding was needed.",
    },
    "explain_notes_heading": {"sv": "Meddelanden på fakturan", "en": "Notes on the invoice"},
    "explain_questions_heading": {"sv": "Frågor om fakturan", "en": "Questions about the invoice"},
    "explain_questions": {
        "sv": "Kontakta kundtjänst hos {supplier}: {phone}, {email}.",
        "en": "Contact the customer service of {supplier}: {phone}, {email}.",
    },
    "download_pdf": {"sv": "Ladda ner som PDF", "en": "Download as PDF"},
    "download_xml": {"sv": "Ladda ner e-faktura (XML)", "en": "Download e-invoice (XML)"},
    "back_to_invoices": {"sv": "Tillbaka till fakturorna", "en": "Back to the invoices"},
    "origin_intro": {
        "sv": "Varifrån kommer elen du köper? Här visas varje elleverantörs energikällor under "
        "{year} och hur elen påverkar miljön: utsläpp av koldioxid och radioaktivt avfall.",
        "en": "Where does your electricity come from? Here are each supplier's energy sources in "
        "{year} and their impact on the environment: carbon dioxide and radioactive waste.",
    },
    "origin_pie_title": {
        "sv": "Energikällor för såld el {year}",
        "en": "Energy sources of electricity sold in {year}",
    },
    "origin_pie_impact": {
        "sv": "Koldioxid {co2} g/kWh, radioaktivt avfall {waste} mg/kWh.",
        "en": "Carbon dioxide {co2} g/kWh, radioactive waste {waste} mg/kWh.",
    },
    "origin_table_caption": {
        "sv": "Energikällor för el som {supplier} sålde {year}",
        "en": "Energy sources of electricity {supplier} sold in {year}",
    },
    "energy_source": {"sv": "Energikälla", "en": "Energy source"},
    "share": {"sv": "Andel", "en": "Share"},
    "renewable_share": {"sv": "Förnybart totalt", "en": "Renewable in total"},
    "co2_emissions": {"sv": "Utsläpp av koldioxid", "en": "Carbon dioxide emissions"},
    "radioactive_waste": {"sv": "Radioaktivt avfall", "en": "Radioactive waste"},
    "grams_per_kwh": {"sv": "{value} g/kWh", "en": "{value} g/kWh"},
    "milligrams_per_kwh": {"sv": "{value} mg/kWh", "en": "{value} mg/kWh"},
    "source": {"sv": "Källa", "en": "Source"},
    "origin_source": {
        "sv": "Ursprungsgarantier som {supplier} har annullerat; för övrig el",
        "en": "Guarantees of origin that {supplier} cancelled; for the rest",
    },
    "origin_latest": {
        "sv": "Uppgifterna för senare år är inte publicerade ännu; {year} är det senaste året.",
        "en": "The figures for later years are not published yet; {year} is the latest year.",
    },
    "origin_not_published": {
        "sv": "Uppgifterna om energikällor för {year} från {supplier} är inte publicerade ännu.",
        "en": "The energy-source figures of {supplier} for {year} are not published yet.",
    },
    "origin_no_suppliers": {
        "sv": "Du har inget elavtal här, så det finns inga uppgifter om elens ursprung att visa.",
        "en": "You have no electricity contract here, so there are no origin figures to show.",
    },
    "source_hydro": {"sv": "Vattenkraft", "en": "Hydropower"},
    "source_wind": {"sv": "Vindkraft", "en": "Wind power"},
    "source_solar": {"sv": "Solkraft", "en": "Solar power"},
    "source_bio": {"sv": "Bioenergi", "en": "Bioenergy"},
    "source_renewable": {"sv": "Förnybart, ospecificerat", "en": "Renewable, unspecified"},
    "source_nuclear": {"sv": "Kärnkraft", "en": "Nuclear power"},
    "source_fossil": {"sv": "Fossilt", "en": "Fossil"},
    "error_unknown_invoice": {
        "sv": "Ingen sådan faktura hos dig.",
        "en": "You have no such invoice.",
    },
    "error_unknown_statement": {
        "sv": "Det finns inget förbrukningsbesked för den månaden.",
        "en": "There is no consumption statement for that month.",
    },
    "error_invalid_month": {
        "sv": "Ange månaden som ÅÅÅÅ-MM.",
        "en": "Give the month as YYYY-MM.",
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
