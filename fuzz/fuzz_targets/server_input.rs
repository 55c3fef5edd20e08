//! The web application's input: a claim editor form body and an API claim body, as any client
//! could send them. Reading them must answer with field errors, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let form = rcm_server::forms::Form::parse(data);
    let (dx, lines, _) = rcm_server::forms::claim_fields(&form);
    let dos = jiff::civil::date(2026, 11, 2);
    let _ = rcm_server::api::parse_content(1, Some(form.get("frequency")), &dx, &lines, dos);
    let mut headers = axum::http::HeaderMap::new();
    headers.insert(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/json"));
    if let Ok(body) = rcm_server::api::read_json::<rcm_server::api::ClaimBody>(&headers, data) {
        let _ = rcm_server::api::parse_content(
            body.coverage_id,
            body.frequency_code.as_deref(),
            &body.diagnoses,
            &body.lines,
            dos,
        );
    }
});
