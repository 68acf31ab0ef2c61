//! An estimate written out: as CSV (one quantity per row, for a spreadsheet) and as
//! plain text (the command line's report).

use super::{Estimate, Fitted, Interval};
use std::fmt::Write;

fn bounds(i: Option<Interval>) -> (String, String) {
    i.map_or((String::new(), String::new()), |i| {
        (format!("{:.1}", i.lower), format!("{:.1}", i.upper))
    })
}

/// The rows of one model in the CSV: `model,quantity,value,lower,upper`.
fn model_rows(w: &mut csv::Writer<Vec<u8>>, name: &str, f: &Fitted) -> csv::Result<()> {
    let (cl, cu) = bounds(Some(f.conditional));
    let (pl, pu) = bounds(f.profile);
    let total = format!("{:.1}", f.total);
    w.write_record([name, "terms", &f.terms.join(" + "), "", ""])?;
    w.write_record([name, "observed", &f.observed.to_string(), "", ""])?;
    w.write_record([name, "unobserved", &format!("{:.1}", f.unobserved), "", ""])?;
    w.write_record([name, "total_conditional_interval", &total, &cl, &cu])?;
    let profile_total = f
        .profile_total
        .map(|t| format!("{t:.1}"))
        .unwrap_or_default();
    w.write_record([name, "total_profile_likelihood", &profile_total, &pl, &pu])?;
    for o in &f.empty_overlaps {
        let p = format!("{:.4}", o.probability);
        w.write_record([name, "empty_overlap", &o.term, &p, ""])?;
    }
    w.write_record([name, "parameters", &f.parameters.to_string(), "", ""])?;
    w.write_record([name, "deviance", &format!("{:.3}", f.deviance), "", ""])?;
    w.write_record([name, "df", &f.df.to_string(), "", ""])?;
    w.write_record([name, "aic", &format!("{:.3}", f.aic), "", ""])?;
    w.write_record([name, "bic", &format!("{:.3}", f.bic), "", ""])
}

impl Estimate {
    /// The estimate as CSV: a header `model,quantity,value,lower,upper`, the chosen
    /// model's rows, its bootstrap interval, then the independence model's rows.
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["model", "quantity", "value", "lower", "upper"])?;
        w.write_record(["", "lists", &self.lists.join(" "), "", ""])?;
        w.write_record(["", "method", &self.method, "", ""])?;
        w.write_record(["", "level", &self.level.to_string(), "", ""])?;
        model_rows(&mut w, "chosen", &self.model)?;
        if let Some(b) = &self.bootstrap {
            let (l, u) = bounds(Some(b.interval));
            let what = format!("{:.1}", self.model.total);
            w.write_record(["chosen", "total_bootstrap_bca", &what, &l, &u])?;
            let reps = format!("{} (seed {}, {} failed)", b.replicates, b.seed, b.failed);
            w.write_record(["chosen", "bootstrap_replicates", &reps, "", ""])?;
        }
        for s in &self.steps {
            let detail = format!(
                "seen {} expected {:.2} p {:.3e}",
                s.seen, s.expected, s.p_value
            );
            w.write_record(["chosen", "step", &s.term, &detail, ""])?;
        }
        if let Some(i) = &self.independence {
            model_rows(&mut w, "independence", i)?;
        }
        let bytes = w.into_inner().map_err(|e| e.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The estimate as a plain-text report.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let pct = self.level * 100.0;
        let _ = writeln!(out, "lists: {}", self.lists.join(", "));
        let _ = writeln!(out, "persons seen on at least one list: {}", self.observed);
        let _ = writeln!(out, "method: {}", self.method);
        for s in &self.steps {
            let _ = writeln!(
                out,
                "  added {} (seen {}, expected {:.2}, p = {:.3e})",
                s.term, s.seen, s.expected, s.p_value
            );
        }
        let model = |out: &mut String, label: &str, f: &Fitted| {
            let terms = if f.terms.is_empty() {
                "independence".to_owned()
            } else {
                f.terms.join(" + ")
            };
            let _ = writeln!(out, "\n{label}: {terms}");
            let _ = writeln!(
                out,
                "  estimated total: {:.0} (unseen {:.0})",
                f.total, f.unobserved
            );
            let _ = writeln!(
                out,
                "  {pct:.0}% conditional interval: {:.0} to {:.0}",
                f.conditional.lower, f.conditional.upper
            );
            if let (Some(t), Some(p)) = (f.profile_total, f.profile) {
                let _ = writeln!(
                    out,
                    "  {pct:.0}% profile-likelihood interval: {:.0} to {:.0} (maximum at {t:.0})",
                    p.lower, p.upper
                );
            }
            for o in &f.empty_overlaps {
                let _ = writeln!(
                    out,
                    "  {} never overlap (probability {:.3} under the model without it)",
                    o.term, o.probability
                );
            }
            let _ = writeln!(
                out,
                "  deviance {:.2} on {} df; AIC {:.2}; BIC {:.2}; {} parameters",
                f.deviance, f.df, f.aic, f.bic, f.parameters
            );
        };
        model(&mut out, "chosen model", &self.model);
        if let Some(b) = &self.bootstrap {
            let _ = writeln!(
                out,
                "  {pct:.0}% bootstrap (BCa) interval over the choice of model: {:.0} to {:.0} ({} resamples, seed {}, {} failed)",
                b.interval.lower, b.interval.upper, b.replicates, b.seed, b.failed
            );
        }
        if let Some(i) = &self.independence {
            model(&mut out, "independence model", i);
        }
        out
    }
}
