use gigops_yaml as yaml;

use crate::valid;

/// Splits the multi-document output and parses each document with the located YAML reader.
fn documents(text: &str) -> Vec<yaml::Node> {
    text.split("---\n")
        .filter(|d| !d.trim().is_empty())
        .map(|d| yaml::parse("openslo.yaml", d).unwrap_or_else(|e| panic!("{e}\n{d}")))
        .collect()
}

fn str_at<'a>(node: &'a yaml::Node, pointer: &str) -> &'a str {
    node.pointer(pointer)
        .and_then(yaml::Node::as_str)
        .unwrap_or_else(|| panic!("{pointer}"))
}

fn num_at(node: &yaml::Node, pointer: &str) -> f64 {
    node.pointer(pointer)
        .and_then(yaml::Node::as_f64)
        .unwrap_or_else(|| panic!("{pointer}"))
}

#[test]
fn a_service_then_one_slo_per_service_level() {
    let sow = valid();
    let text = gigops_contract::openslo(&sow);
    let docs = documents(&text);
    assert_eq!(docs.len(), 3, "{text}");
    let service = &docs[0];
    assert_eq!(str_at(service, "/apiVersion"), "openslo/v1");
    assert_eq!(str_at(service, "/kind"), "Service");
    assert_eq!(str_at(service, "/metadata/name"), "acme-billing-api");

    let availability = &docs[1];
    assert_eq!(str_at(availability, "/kind"), "SLO");
    assert_eq!(str_at(availability, "/metadata/name"), "api-availability");
    assert_eq!(str_at(availability, "/spec/service"), "acme-billing-api");
    assert_eq!(str_at(availability, "/spec/budgetingMethod"), "Occurrences");
    assert_eq!(num_at(availability, "/spec/objectives/0/target"), 0.999);
    assert_eq!(str_at(availability, "/spec/timeWindow/0/duration"), "1M");
    assert_eq!(
        availability
            .pointer("/spec/timeWindow/0/isRolling")
            .unwrap()
            .value,
        yaml::Value::Bool(false)
    );
    assert_eq!(
        str_at(availability, "/spec/timeWindow/0/calendar/timeZone"),
        "Asia/Shanghai"
    );
    assert_eq!(
        str_at(availability, "/spec/timeWindow/0/calendar/startTime"),
        "2027-01-04 00:00:00"
    );
    assert_eq!(
        str_at(availability, "/spec/indicator/metadata/name"),
        "api-availability-sli"
    );
    assert_eq!(
        str_at(
            availability,
            "/metadata/annotations/gigops.dev~1consecutive-windows"
        ),
        "3"
    );

    let latency = &docs[2];
    assert_eq!(str_at(latency, "/spec/budgetingMethod"), "Timeslices");
    assert_eq!(str_at(latency, "/spec/objectives/0/op"), "lte");
    assert_eq!(num_at(latency, "/spec/objectives/0/value"), 150.0);
    assert_eq!(num_at(latency, "/spec/objectives/0/target"), 0.99);
    assert_eq!(num_at(latency, "/spec/objectives/0/timeSliceTarget"), 0.95);
    assert_eq!(str_at(latency, "/spec/objectives/0/timeSliceWindow"), "5m");
    assert_eq!(str_at(latency, "/spec/timeWindow/0/duration"), "4w");
    assert_eq!(
        latency
            .pointer("/spec/timeWindow/0/isRolling")
            .unwrap()
            .value,
        yaml::Value::Bool(true)
    );
    assert!(
        latency
            .pointer("/spec/indicator/spec/thresholdMetric/metricSource/type")
            .is_some()
    );
}
