//! A Pipelines definition (the JSON text of `DescribePipelineDefinitionForExecution`'s `PipelineDefinition`) read
//! into its steps and the steps each depends on.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::model::pipeline::DefinedStep;

/// Reads a pipeline definition (the JSON text of `PipelineDefinition`): every step, those inside a condition's
/// `IfSteps`/`ElseSteps` too, with the steps it depends on (`DependsOn`, a property reference
/// `{"Get": "Steps.NAME…"}` anywhere in its arguments, and the condition that holds it). Steps sorted by name.
pub fn read_definition(text: &str) -> Result<Vec<DefinedStep>, String> {
    let doc: Value =
        serde_json::from_str(text).map_err(|e| format!("expected the pipeline definition as JSON text: {e}"))?;
    let Some(steps) = doc.get("Steps") else {
        return Err("the pipeline definition has no Steps".into());
    };
    let Value::Array(steps) = steps else {
        return Err("the pipeline definition's Steps is not an array".into());
    };
    let mut out = BTreeMap::new();
    for step in steps {
        define(step, None, &mut out)?;
    }
    Ok(out.into_values().collect())
}

fn define(step: &Value, condition: Option<&str>, out: &mut BTreeMap<String, DefinedStep>) -> Result<(), String> {
    let Some(name) = step.get("Name").and_then(Value::as_str) else {
        return Err(format!("a step of the pipeline definition has no Name: {}", short_json(step)));
    };
    let mut deps = BTreeSet::new();
    deps.extend(condition.map(str::to_owned));
    if let Some(Value::Array(list)) = step.get("DependsOn") {
        deps.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if let Some(args) = step.get("Arguments") {
        property_references(args, &mut deps);
    }
    deps.remove(name);
    let step_type = step.get("Type").and_then(Value::as_str).map(str::to_owned);
    out.insert(
        name.to_owned(),
        DefinedStep { name: name.to_owned(), step_type, depends_on: deps.into_iter().collect() },
    );
    for branch in ["IfSteps", "ElseSteps"] {
        if let Some(Value::Array(inner)) = step.get("Arguments").and_then(|a| a.get(branch)) {
            for s in inner {
                define(s, Some(name), out)?;
            }
        }
    }
    Ok(())
}

/// Step names referenced as `{"Get": "Steps.NAME.…"}` inside `v` (not inside a nested step of a condition).
fn property_references(v: &Value, deps: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("Get") {
                if let Some(name) = reference.strip_prefix("Steps.").and_then(|r| r.split(['.', '[']).next()) {
                    deps.insert(name.to_owned());
                }
            }
            for (k, child) in map {
                if k != "IfSteps" && k != "ElseSteps" {
                    property_references(child, deps);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| property_references(i, deps)),
        _ => {}
    }
}

fn short_json(v: &Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definition_dependencies_come_from_depends_on_references_and_conditions() {
        let text = r#"{"Version":"2020-12-01","Steps":[
          {"Name":"Prepare","Type":"Processing","Arguments":{}},
          {"Name":"Train","Type":"Training","DependsOn":["Prepare"],
           "Arguments":{"InputDataConfig":[{"DataSource":{"S3DataSource":{"S3Uri":{"Get":"Steps.Prepare.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"}}}}]}},
          {"Name":"Check","Type":"Condition","Arguments":{"Conditions":[{"LeftValue":{"Get":"Steps.Evaluate.PropertyFiles"}}],
           "IfSteps":[{"Name":"Register","Type":"RegisterModel","Arguments":{"ModelDataUrl":{"Get":"Steps.Train.ModelArtifacts.S3ModelArtifacts"}}}],
           "ElseSteps":[]}},
          {"Name":"Evaluate","Type":"Processing","Arguments":{"x":{"Get":"Steps.Train.ModelArtifacts"}}}]}"#;
        let steps = read_definition(text)
            .map(|s| s.into_iter().map(|d| format!("{} <- {}", d.name, d.depends_on.join(","))).collect::<Vec<_>>());
        assert_eq!(
            steps,
            Ok(vec![
                "Check <- Evaluate".to_owned(),
                "Evaluate <- Train".to_owned(),
                "Prepare <- ".to_owned(),
                "Register <- Check,Train".to_owned(),
                "Train <- Prepare".to_owned(),
            ])
        );
    }

    #[test]
    fn a_definition_that_is_not_json_is_an_error() {
        assert!(read_definition("{\"Steps\": [").is_err());
        assert!(read_definition("{\"Steps\": 3}").is_err());
        assert!(read_definition("{\"Steps\": [{\"Type\": \"Training\"}]}").is_err());
    }
}
