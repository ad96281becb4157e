//! The overall status banner: the worst status on the page, in colour and in words. It is
//! the page's only live region, so screen readers hear the verdict change and nothing else.

use super::state::{use_app, AppState};
use crate::core::banner::{banner, Check};
use crate::core::health::to_status;
use crate::core::spec::{PanelDef, TimeSpec};
use crate::core::status::Status;
use leptos::prelude::*;

/// Every counted check on the page, named: each KPI tile by its title, each health grid
/// row by its service (a health panel without rows yet counts once, by its title).
pub fn named_checks(state: AppState) -> Memo<Vec<Check>> {
    let health = use_context::<super::health::HealthStore>();
    Memo::new(move |_| {
        state.kpi_views.with(|views| {
            state.dashboard.with(|d| {
                let mut checks = Vec::new();
                for p in &d.panels {
                    match &p.def {
                        PanelDef::Kpi(_) => {
                            if let Some(v) = views.get(&p.id) {
                                checks.push(Check::new(p.title.clone(), v.status));
                            }
                        }
                        PanelDef::HealthGrid(_) => {
                            let Some(store) = health else { continue };
                            store.panels.with(|m| {
                                let Some(h) = m.get(&p.id) else { return };
                                if h.grid.rows.is_empty() || h.error.is_some() {
                                    checks.push(Check::new(p.title.clone(), to_status(h.worst)));
                                } else {
                                    let rows = h.grid.rows.iter();
                                    checks.extend(rows.map(|r| {
                                        Check::new(r.service.clone(), to_status(r.state()))
                                    }));
                                }
                            });
                        }
                        _ => {}
                    }
                }
                checks
            })
        })
    })
}

/// Each panel's status for ordering: a KPI's status, a health grid's worst row, Unknown for
/// a panel whose data failed, and `None` otherwise. By panel id.
pub fn panel_statuses(state: AppState) -> Memo<std::collections::HashMap<String, Status>> {
    let health = use_context::<super::health::HealthStore>();
    Memo::new(move |_| {
        let worst: std::collections::HashMap<String, Status> = health
            .map(|h| {
                h.panels.with(|m| {
                    m.iter()
                        .map(|(id, p)| (id.clone(), to_status(p.worst)))
                        .collect()
                })
            })
            .unwrap_or_default();
        state.kpi_views.with(|views| {
            state.fetches.with(|fetches| {
                state.dashboard.with(|d| {
                    d.panels
                        .iter()
                        .map(|p| {
                            let status = match &p.def {
                                PanelDef::Kpi(_) => views.get(&p.id).map(|v| v.status),
                                PanelDef::HealthGrid(_) => worst.get(&p.id).copied(),
                                _ => None,
                            };
                            let failed = fetches.get(&p.id).is_some_and(|f| f.error.is_some());
                            let status = status.unwrap_or(if failed {
                                Status::Unknown
                            } else {
                                Status::None
                            });
                            (p.id.clone(), status)
                        })
                        .collect()
                })
            })
        })
    })
}

#[component]
pub fn Banner() -> impl IntoView {
    let state = use_app();
    let frozen_at = Memo::new(move |_| {
        state.dashboard.with(|d| match d.time {
            TimeSpec::Absolute { to_ms, .. } => Some(d.as_of_ms.unwrap_or(to_ms)),
            TimeSpec::Relative { .. } => None,
        })
    });
    let checks = named_checks(state);
    let view = Memo::new(move |_| checks.with(|c| banner(c, frozen_at.get())));
    view! {
        <div class=move || format!("nk-banner nk-status-{}", view.with(|b| b.status.as_str()))
            data-testid="overall-status"
            data-status=move || view.with(|b| b.status.as_str())
            role="status"
            aria-live="polite">
            <span class="nk-status-symbol" aria-hidden="true">{move || view.with(|b| b.status.symbol())}</span>
            <span class="nk-banner-text">{move || view.with(|b| b.text.clone())}</span>
            <Show when=move || frozen_at.get().is_some()>
                <button class="nk-button" on:click=move |_| state.go_live()>"Go live"</button>
            </Show>
        </div>
    }
}

/// Each panel's position in the phone layout (worst status first), by panel id; provided
/// as context by the grid and read by each panel frame.
#[derive(Clone, Copy)]
pub struct PanelOrder(pub Memo<std::collections::HashMap<String, usize>>);

/// Derives the worst-first panel order and provides it as context.
pub fn provide_panel_order(state: AppState) {
    let statuses = panel_statuses(state);
    let order = Memo::new(move |_| {
        state.dashboard.with(|d| {
            let list: Vec<Status> =
                statuses.with(|m| d.panels.iter().map(|p| m.get(&p.id).copied().unwrap_or(Status::None)).collect());
            let positions = crate::core::banner::worst_first_positions(&list);
            d.panels.iter().zip(positions).map(|(p, pos)| (p.id.clone(), pos)).collect()
        })
    });
    provide_context(PanelOrder(order));
}

/// This panel's position in the phone layout (0 without a provided order).
pub fn panel_position(panel_id: String) -> Signal<usize> {
    let order = use_context::<PanelOrder>();
    Signal::derive(move || order.and_then(|o| o.0.with(|m| m.get(&panel_id).copied())).unwrap_or(0))
}
