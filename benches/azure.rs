//! Re-check to a filled picker with 500 subscriptions: parsing what
//! `az account list --all -o json` prints, grouping by tenant, indexing
//! for search, and one keystroke's search. `cargo bench --bench azure`.
//! (az's own run, ~1 s, comes on top: see the README.)

use criterion::{Criterion, criterion_group, criterion_main};
use escher::azure::search::SearchIndex;
use escher::azure::subscriptions::parse;
use std::hint::black_box;

/// The listing az prints for `n` subscriptions over 25 tenants, with
/// every state and a few entries of another cloud.
pub fn listing(n: usize) -> String {
    let states = [
        "Enabled", "Enabled", "Enabled", "Warned", "PastDue", "Disabled", "Deleted",
    ];
    let entries: Vec<String> = (0..n)
        .map(|i| {
            let t = i % 25;
            let cloud = if i % 50 == 49 {
                "AzureUSGovernment"
            } else {
                "AzureCloud"
            };
            format!(
                r#"  {{
    "cloudName": "{cloud}",
    "homeTenantId": "{t:08x}-0000-0000-0000-00000000000c",
    "id": "{i:08x}-0000-0000-0000-000000000001",
    "isDefault": {},
    "managedByTenants": [],
    "name": "Team {i} {}",
    "state": "{}",
    "tenantDefaultDomain": "tenant{t}.onmicrosoft.com",
    "tenantDisplayName": "Tenant {t}",
    "tenantId": "{t:08x}-0000-0000-0000-00000000000c",
    "user": {{
      "name": "alice@contoso.com",
      "type": "user"
    }}
  }}"#,
                i == 0,
                ["prod", "dev", "staging", "sandbox"][i % 4],
                states[i % states.len()],
            )
        })
        .collect();
    format!("[\n{}\n]\n", entries.join(",\n"))
}

fn picker(c: &mut Criterion) {
    let text = listing(500);
    let listing = parse(&text, "AzureCloud").unwrap();
    assert_eq!(listing.subscriptions().count(), 490);
    assert_eq!(listing.tenants.len(), 25);
    let mut g = c.benchmark_group("azure_picker_500");
    g.bench_function("parse_and_group", |b| {
        b.iter(|| black_box(parse(black_box(&text), "AzureCloud").unwrap()))
    });
    g.bench_function("recheck_to_filled_picker", |b| {
        b.iter(|| {
            let listing = parse(black_box(&text), "AzureCloud").unwrap();
            let index = SearchIndex::new(&listing);
            black_box((index.search("").count(), listing.preselected().len()))
        })
    });
    let index = SearchIndex::new(&listing);
    assert_eq!(
        index.search("0000000d-0000-0000-0000-000000000001").count(),
        1
    );
    g.bench_function("search_keystroke", |b| {
        b.iter(|| black_box(index.search(black_box("tenant 3 prod")).count()))
    });
    g.finish();
}

criterion_group!(benches, picker);
criterion_main!(benches);
