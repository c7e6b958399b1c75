package io.nograd.reproductions;

import java.util.LinkedHashMap;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One file of {@code src/main/resources/reproductions/}: a paper's table or figure as a sweep at each scale, with
 * the figures the paper prints, copied from the paper and cited.
 *
 * @param version   raised whenever the setting or a figure changes, so a stored run names the file it came from
 * @param setting   the paper's setting in words, with the section that states it
 * @param tolerance |ours − paper| above this is flagged (default 0.01: one point of accuracy)
 * @param figures   the paper's numbers, each for the configuration its coordinates name
 * @param ours      what the rows without a paper figure are: additions of ours, never the paper's setting
 * @param notes     where the text leaves a choice open and what the preset chose
 * @param scales    {@code paper} (the paper's full setting) and {@code quick} (a subset for smoke checks)
 */
record Preset(String id, int version, String title, String paper, String source, String figure, String setting, Double tolerance,
              List<Figure> figures, List<String> ours, List<String> notes, LinkedHashMap<String, Scale> scales) {

    /**
     * @param printed the number as the paper prints it: "97.8%" or "0.9993"; "≥ 0.8" (or "≤") where the paper gives only
     *                a bound ("0.8 or more")
     * @param source  table or figure, row and column
     */
    record Figure(LinkedHashMap<String, JsonNode> coordinates, String metric, String printed, String source) {

        /** The printed number as a fraction, the unit of the server's accuracies. */
        double value() {
            String p = printed.trim();
            if (bound() != null) p = p.substring(1).trim();
            return p.endsWith("%") ? Double.parseDouble(p.substring(0, p.length() - 1).trim()) / 100 : Double.parseDouble(p);
        }

        /** "at-least" for "≥ …", "at-most" for "≤ …", else null (a value). */
        String bound() {
            String p = printed.trim();
            return p.startsWith("≥") ? "at-least" : p.startsWith("≤") ? "at-most" : null;
        }
    }

    /**
     * @param note  what this scale leaves out of the paper's setting
     * @param sweep a {@code POST /sweeps} body without name and reference, which the run adds
     */
    record Scale(String note, ObjectNode sweep) {
    }
}
