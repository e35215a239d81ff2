-- Candidate rows present for the ruleset version, whoever wrote them. $1 ruleset id.
select (select count(*) from candidate_state where ruleset_id = $1)::int as states,
       (select count(*) from candidate_object o join candidate_state s using (candidate_state_id)
         where s.ruleset_id = $1)::int                                     as objects;
