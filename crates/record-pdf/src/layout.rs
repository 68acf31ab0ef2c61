//! Page layout: the embedded fonts, text measured by their real glyph widths, lines
//! wrapped to the column (over-long words broken too), pages filled top to bottom and
//! broken when full, and the finished pages written as a PDF with a footer on each.

use crate::PdfError;
use printpdf::{
    Color, FontId, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point,
    Pt, Rgb, TextItem,
};

const FONT_REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const FONT_BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// A4 portrait, in millimetres.
const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
/// The margin on every side.
const MARGIN: f32 = 20.0;
/// The width of the text column.
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Where the text ends at the bottom of a page.
const BOTTOM: f32 = PAGE_H - MARGIN;
/// The baseline of the footer, from the top of the page (inside the bottom margin).
const FOOTER_BASELINE: f32 = PAGE_H - 11.0;
/// The width of a field's label column.
const LABEL_W: f32 = 52.0;
/// The indent of a list item's text after its bullet.
const BULLET_W: f32 = 5.0;
/// Millimetres per point.
const PT_MM: f32 = 25.4 / 72.0;

/// How a line of text looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// The document's title.
    Title,
    /// A section (the person, the cases, ...).
    Heading,
    /// One case, one signal.
    Subheading,
    /// Bold body text: labels, the first line of an entry.
    Strong,
    /// Body text.
    Body,
    /// The footer.
    Footer,
}

impl Style {
    fn size(self) -> f32 {
        match self {
            Style::Title => 17.0,
            Style::Heading => 14.0,
            Style::Subheading => 12.0,
            Style::Strong | Style::Body => 10.5,
            Style::Footer => 8.5,
        }
    }

    fn bold(self) -> bool {
        !matches!(self, Style::Body | Style::Footer)
    }

    /// The height of one line, in millimetres.
    fn line_height(self) -> f32 {
        self.size() * 1.35 * PT_MM
    }
}

/// The two embedded faces, parsed.
#[derive(Debug)]
pub(crate) struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
}

impl Fonts {
    /// Parses the embedded fonts; a font that does not parse is an error.
    pub(crate) fn load() -> Result<Self, PdfError> {
        let parse = |bytes: &[u8], name: &'static str| {
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or(PdfError::Font(name))
        };
        Ok(Fonts {
            regular: parse(FONT_REGULAR, "DejaVuSans")?,
            bold: parse(FONT_BOLD, "DejaVuSans-Bold")?,
        })
    }

    fn face(&self, style: Style) -> &ParsedFont {
        if style.bold() {
            &self.bold
        } else {
            &self.regular
        }
    }

    /// The width of `text` in `style`, in millimetres: the sum of its glyphs' advances
    /// (the PDF is written without kerning, so this is what is drawn).
    pub(crate) fn width(&self, text: &str, style: Style) -> f32 {
        let font = self.face(style);
        let units: u32 = text.chars().map(|c| advance(font, c)).sum();
        units as f32 / f32::from(font.units_per_em.max(1)) * style.size() * PT_MM
    }

    /// `text` wrapped into lines no wider than `width` millimetres. Line breaks in the
    /// text are kept (an empty line stays empty); a word wider than a line is broken
    /// between characters.
    pub(crate) fn wrap(&self, text: &str, style: Style, width: f32) -> Vec<String> {
        let space = self.width(" ", style);
        let mut out = Vec::new();
        for para in text.lines() {
            let mut line = String::new();
            let mut line_w = 0.0;
            for word in para.split_whitespace() {
                let word_w = self.width(word, style);
                if !line.is_empty() && line_w + space + word_w <= width {
                    line.push(' ');
                    line.push_str(word);
                    line_w += space + word_w;
                    continue;
                }
                if !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                }
                if word_w <= width {
                    line = word.to_owned();
                    line_w = word_w;
                } else {
                    let mut pieces = self.break_word(word, style, width);
                    line = pieces.pop().unwrap_or_default();
                    line_w = self.width(&line, style);
                    out.extend(pieces);
                }
            }
            out.push(line);
        }
        if out.is_empty() {
            out.push(String::new());
        }
        out
    }

    /// A word too wide for a line, cut into pieces that fit (at least one character
    /// each, so that even an absurdly narrow column makes progress).
    fn break_word(&self, word: &str, style: Style, width: f32) -> Vec<String> {
        let font = self.face(style);
        let per_unit = style.size() * PT_MM / f32::from(font.units_per_em.max(1));
        let mut pieces = Vec::new();
        let mut piece = String::new();
        let mut piece_w = 0.0;
        for c in word.chars() {
            let w = advance(font, c) as f32 * per_unit;
            if !piece.is_empty() && piece_w + w > width {
                pieces.push(std::mem::take(&mut piece));
                piece_w = 0.0;
            }
            piece.push(c);
            piece_w += w;
        }
        pieces.push(piece);
        pieces
    }
}

/// The advance of `c` in font units; a character the font lacks is drawn as its
/// "missing glyph" (glyph 0), so it is measured as that.
fn advance(font: &ParsedFont, c: char) -> u32 {
    let gid = font.lookup_glyph_index(u32::from(c)).unwrap_or(0);
    u32::from(font.get_glyph_width(gid).unwrap_or(font.units_per_em / 2))
}

/// One line of text put on a page.
#[derive(Debug)]
struct Placed {
    /// From the left edge, in millimetres.
    x: f32,
    /// The baseline, from the top edge, in millimetres.
    baseline: f32,
    style: Style,
    text: String,
}

/// The pages being filled, top to bottom.
#[derive(Debug)]
pub(crate) struct Flow<'f> {
    fonts: &'f Fonts,
    pages: Vec<Vec<Placed>>,
    /// The top of the next line on the current page, from the top edge.
    y: f32,
}

impl<'f> Flow<'f> {
    pub(crate) fn new(fonts: &'f Fonts) -> Self {
        Flow {
            fonts,
            pages: vec![Vec::new()],
            y: MARGIN,
        }
    }

    /// Starts a new page unless `height` millimetres still fit on this one (or this one
    /// is still empty).
    fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > MARGIN {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    /// Places one row: cells sharing a baseline, all of one line height.
    fn row(&mut self, line_height: f32, cells: Vec<(f32, Style, String)>) {
        self.ensure(line_height);
        let baseline = self.y + line_height * 0.78;
        if let Some(page) = self.pages.last_mut() {
            for (x, style, text) in cells {
                if !text.is_empty() {
                    page.push(Placed {
                        x,
                        baseline,
                        style,
                        text,
                    });
                }
            }
        }
        self.y += line_height;
    }

    /// Vertical space, in millimetres (a page break swallows it).
    pub(crate) fn gap(&mut self, mm: f32) {
        self.y = (self.y + mm).min(BOTTOM);
    }

    /// A paragraph in `style`, indented by `indent` millimetres, wrapped.
    pub(crate) fn paragraph(&mut self, style: Style, indent: f32, text: &str) {
        let lh = style.line_height();
        for line in self.fonts.wrap(text, style, CONTENT_W - indent) {
            self.row(lh, vec![(MARGIN + indent, style, line)]);
        }
    }

    /// A heading: space before it, and kept on a page with the lines that follow.
    pub(crate) fn heading(&mut self, style: Style, text: &str) {
        self.gap(style.line_height() * 0.6);
        self.ensure(style.line_height() + 3.0 * Style::Body.line_height());
        self.paragraph(style, 0.0, text);
        self.gap(1.0);
    }

    /// A list item: a bullet, then `text` wrapped beside it.
    pub(crate) fn item(&mut self, style: Style, indent: f32, text: &str) {
        let lh = style.line_height();
        let lines = self.fonts.wrap(text, style, CONTENT_W - indent - BULLET_W);
        for (i, line) in lines.into_iter().enumerate() {
            let bullet = if i == 0 { "•" } else { "" };
            self.row(
                lh,
                vec![
                    (MARGIN + indent, Style::Body, bullet.to_owned()),
                    (MARGIN + indent + BULLET_W, style, line),
                ],
            );
        }
    }

    /// A labelled value: the label in bold in its column, the value wrapped beside it.
    pub(crate) fn field(&mut self, indent: f32, label: &str, value: &str) {
        let lh = Style::Body.line_height();
        let labels = self.fonts.wrap(label, Style::Strong, LABEL_W - 3.0);
        let values = self
            .fonts
            .wrap(value, Style::Body, CONTENT_W - indent - LABEL_W);
        let rows = labels.len().max(values.len());
        let (mut labels, mut values) = (labels.into_iter(), values.into_iter());
        for _ in 0..rows {
            let label = labels.next().unwrap_or_default();
            let value = values.next().unwrap_or_default();
            self.row(
                lh,
                vec![
                    (MARGIN + indent, Style::Strong, label),
                    (MARGIN + indent + LABEL_W, Style::Body, value),
                ],
            );
        }
    }

    /// The finished document: `title` as its metadata title, and on every page the
    /// footer `footer(agency, page, pages)`, centred (the agency's name shortened if
    /// the line would not fit).
    pub(crate) fn finish(
        self,
        title: &str,
        agency: &str,
        footer: &dyn Fn(&str, usize, usize) -> String,
    ) -> Vec<u8> {
        let mut pdf = PdfDocument::new(title);
        let regular = pdf.add_font(&self.fonts.regular);
        let bold = pdf.add_font(&self.fonts.bold);
        let total = self.pages.len();
        let mut pages = Vec::with_capacity(total);
        for (i, placed) in self.pages.into_iter().enumerate() {
            let mut ops = Vec::new();
            for p in placed {
                let id = if p.style.bold() { &bold } else { &regular };
                text_ops(&mut ops, id, &p);
            }
            let line = fitted_footer(self.fonts, agency, &|a| footer(a, i + 1, total));
            let x = MARGIN + ((CONTENT_W - self.fonts.width(&line, Style::Footer)) / 2.0).max(0.0);
            ops.push(Op::SetFillColor {
                col: Color::Rgb(Rgb::new(0.35, 0.35, 0.35, None)),
            });
            let footer_line = Placed {
                x,
                baseline: FOOTER_BASELINE,
                style: Style::Footer,
                text: line,
            };
            text_ops(&mut ops, &regular, &footer_line);
            pages.push(PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops));
        }
        pdf.with_pages(pages)
            .save(&PdfSaveOptions::default(), &mut Vec::new())
    }
}

/// The footer line, with the agency's name cut short (ending in "…") until it fits.
fn fitted_footer(fonts: &Fonts, agency: &str, line: &dyn Fn(&str) -> String) -> String {
    let mut text = line(agency);
    let mut chars: Vec<char> = agency.chars().collect();
    while fonts.width(&text, Style::Footer) > CONTENT_W && !chars.is_empty() {
        chars.pop();
        let short: String = chars.iter().collect::<String>().trim_end().to_owned() + "…";
        text = line(&short);
    }
    text
}

/// The operations that draw one line: its own text section, font and position.
fn text_ops(ops: &mut Vec<Op>, font: &FontId, p: &Placed) {
    let text: String = p.text.chars().filter(|c| !c.is_control()).collect();
    ops.extend([
        Op::StartTextSection,
        Op::SetFont {
            font: PdfFontHandle::External(font.clone()),
            size: Pt(p.style.size()),
        },
        Op::SetTextCursor {
            pos: Point::new(Mm(p.x), Mm(PAGE_H - p.baseline)),
        },
        Op::ShowText {
            items: vec![TextItem::Text(text)],
        },
        Op::EndTextSection,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_fit_and_keep_every_word() {
        let fonts = Fonts::load().expect("fonts");
        let text = "Ștefan Țurcanu a lucrat pe un șantier fără contract, Наталья Иванова \
                    и Đỗ Thị Hương also; a very long word: Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let lines = fonts.wrap(text, Style::Body, 30.0);
        assert!(lines.len() > 4);
        for line in &lines {
            assert!(fonts.width(line, Style::Body) <= 30.0, "{line}");
        }
        let joined: String = lines.concat().split_whitespace().collect();
        let expected: String = text.split_whitespace().collect();
        assert_eq!(joined, expected);
    }

    #[test]
    fn line_breaks_in_the_text_are_kept() {
        let fonts = Fonts::load().expect("fonts");
        let lines = fonts.wrap("one\n\ntwo", Style::Body, 100.0);
        assert_eq!(lines, ["one", "", "two"]);
    }

    #[test]
    fn bold_is_wider_than_regular() {
        let fonts = Fonts::load().expect("fonts");
        let text = "Schakel";
        assert!(fonts.width(text, Style::Strong) > fonts.width(text, Style::Body));
    }

    #[test]
    fn a_long_agency_name_is_shortened_in_the_footer() {
        let fonts = Fonts::load().expect("fonts");
        let agency = "Stichting ".repeat(40);
        let line = fitted_footer(&fonts, &agency, &|a| {
            format!("{a} · 2026-03-02 · page 1 of 2")
        });
        assert!(fonts.width(&line, Style::Footer) <= CONTENT_W);
        assert!(line.ends_with("… · 2026-03-02 · page 1 of 2"));
    }
}
