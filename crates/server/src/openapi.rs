//! The OpenAPI 3.1 document, generated from the route table and the request and response types'
//! JSON schemas: it cannot describe a route that does not exist or miss one that does.

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::problem::Problem;
use crate::routes::{Access, Kind, ROUTES};

fn path_parameters(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| {
            json!({
                "name": name,
                "in": "path",
                "required": true,
                "schema": if name == "code" { json!({"type": "string"}) } else { json!({"type": "integer", "format": "int64"}) }
            })
        })
        .collect()
}

/// Query parameters from a query type's schema (its properties, required when not optional).
fn query_parameters(schema: &Value, defs: &Map<String, Value>) -> Vec<Value> {
    let resolved = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .rsplit('/')
            .next()
            .and_then(|name| defs.get(name))
            .cloned()
            .unwrap_or(Value::Null),
        None => schema.clone(),
    };
    let required: Vec<&str> = resolved
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    resolved
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .map(|(name, s)| {
                    let mut s = s.clone();
                    let description = s.as_object_mut().and_then(|o| o.remove("description"));
                    let mut p = json!({
                        "name": name,
                        "in": "query",
                        "required": required.contains(&name.as_str()),
                        "schema": s,
                    });
                    if let (Some(d), Some(o)) = (description, p.as_object_mut()) {
                        o.insert("description".into(), d);
                    }
                    p
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn document() -> Value {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    let mut generator = settings.into_generator();
    let problem = generator.subschema_for::<Problem>().to_value();
    let mut paths: Map<String, Value> = Map::new();
    let mut pending = Vec::new();
    for r in ROUTES.iter().filter(|r| r.kind == Kind::Api) {
        let body = r.body.map(|f| f(&mut generator).to_value());
        let query = r.query.map(|f| f(&mut generator).to_value());
        let response = r.response.map(|f| f(&mut generator).to_value());
        pending.push((r, body, query, response));
    }
    let defs: Map<String, Value> = generator.take_definitions(true).into_iter().collect();
    let problem_response = |description: &str| {
        json!({
            "description": description,
            "content": {"application/problem+json": {"schema": problem.clone()}}
        })
    };
    for (r, body, query, response) in pending {
        let mut op = Map::new();
        op.insert("summary".into(), json!(r.summary));
        op.insert(
            "operationId".into(),
            json!(format!(
                "{}{}",
                r.method.to_ascii_lowercase(),
                r.path
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(|s| s
                        .trim_matches(|c| c == '{' || c == '}')
                        .replace(['.', '-'], "_"))
                    .map(|s| {
                        let mut c = s.chars();
                        c.next()
                            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                            .unwrap_or_default()
                    })
                    .collect::<String>()
            )),
        );
        let mut params = path_parameters(r.path);
        if let Some(q) = &query {
            params.extend(query_parameters(q, &defs));
        }
        if r.idempotent {
            params.push(json!({
                "name": "Idempotency-Key",
                "in": "header",
                "required": false,
                "description": "Retrying with the same key and body returns the first answer; the same key with another body is refused (422).",
                "schema": {"type": "string", "maxLength": 255}
            }));
        }
        if !params.is_empty() {
            op.insert("parameters".into(), Value::Array(params));
        }
        if let Some(b) = body {
            op.insert(
                "requestBody".into(),
                json!({"required": true, "content": {"application/json": {"schema": b}}}),
            );
        }
        let mut responses = Map::new();
        let ok = if r.method == "POST" && r.idempotent {
            "201"
        } else {
            "200"
        };
        let ok_body = match (r.path, response) {
            ("/healthz", _) => {
                json!({"description": "Up", "content": {"text/plain": {"schema": {"type": "string"}}}})
            }
            (p, _) if p.ends_with("/837") => {
                json!({"description": "The X12 file", "content": {"application/edi-x12": {"schema": {"type": "string"}}}})
            }
            ("/api/openapi.json", _) => {
                json!({"description": "This document", "content": {"application/json": {"schema": {"type": "object"}}}})
            }
            (_, Some(s)) => {
                json!({"description": "OK", "content": {"application/json": {"schema": s}}})
            }
            (_, None) => json!({"description": "OK"}),
        };
        responses.insert(ok.into(), ok_body);
        if r.body.is_some() || r.query.is_some() {
            responses.insert(
                "400".into(),
                problem_response("The request could not be read"),
            );
            responses.insert(
                "422".into(),
                problem_response("Fields that could not be accepted, each named"),
            );
        }
        if let Access::Signed(_) = r.access {
            responses.insert(
                "401".into(),
                problem_response("Not signed in, or the token is unknown or revoked"),
            );
            responses.insert(
                "403".into(),
                problem_response("The user's roles do not allow this"),
            );
        }
        if r.path.contains('{') {
            responses.insert(
                "404".into(),
                problem_response("No such record in this organization"),
            );
        }
        if r.method == "PUT" || r.path.ends_with("/status") {
            responses.insert("409".into(), problem_response("Changed by someone else since it was read, or a status change that is not allowed"));
        }
        op.insert("responses".into(), Value::Object(responses));
        if let Access::Signed(p) = r.access {
            op.insert("security".into(), json!([{"bearer": []}, {"session": []}]));
            op.insert("x-permission".into(), json!(p.as_str()));
        } else {
            op.insert("security".into(), json!([]));
        }
        let entry = paths
            .entry(r.path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(o) = entry.as_object_mut() {
            o.insert(r.method.to_ascii_lowercase(), Value::Object(op));
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "OpenRCM API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Everything the OpenRCM web application does, as JSON. Authenticate with an API token \
                (created under Account) as `Authorization: Bearer rcm_…`. Amounts are strings with two decimals \
                (never floats); dates are YYYY-MM-DD. Errors are RFC 9457 problem details."
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": defs,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "An API token: rcm_ and 64 hex digits"},
                "session": {"type": "apiKey", "in": "cookie", "name": "rcm_session", "description": "The web application's session; state-changing requests also need X-CSRF-Token"}
            }
        }
    })
}
